package io.lvs4j.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.api.Protocol;
import io.lvs4j.api.ServiceKey;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The stats page in a real browser: headless Chromium driven by Selenium against a running director with two
 * loopback real servers. A wrong token shows nothing; the right one shows the service's table with both servers UP;
 * a killed real server turns DOWN (red); the Drain button puts the other on hold (blue), and Set weight changes its
 * weight. Saves the page as {@code target/stats-page.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them when missing; the
 * paths can be given with {@code LVS4J_CHROMIUM} and {@code LVS4J_CHROMEDRIVER}); skipped, saying so, without them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatsPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private RunningDirector d;
    private ChromeDriverService service;
    private WebDriver browser;
    private LogCapture log;

    /** The first of {@code names} that is an executable file: on the PATH, or an absolute path. */
    private static Optional<Path> executable(String variable, String... names) {
        String given = System.getenv(variable);
        Stream<Path> candidates = given != null && !given.isBlank() ? Stream.of(Path.of(given))
                : Stream.of(names).flatMap(n -> Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin")
                        .split(File.pathSeparator)).map(p -> Path.of(p, n)));
        return candidates.filter(Files::isExecutable).findFirst();
    }

    @BeforeEach
    void start() throws Exception {
        Optional<Path> chromium = executable("LVS4J_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
        Optional<Path> driver = executable("LVS4J_CHROMEDRIVER", "chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(), "skipped: the stats page's browser test "
                + "needs chromium and chromedriver (apt-get install chromium chromium-driver; .ci/run does it), found "
                + "chromium: " + chromium.map(Path::toString).orElse("none") + ", chromedriver: "
                + driver.map(Path::toString).orElse("none"));
        log = new LogCapture();
        d = new RunningDirector(dir);
        service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile()).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1500,650", "--user-data-dir=" + Files.createDirectory(
                        dir.resolve("chromium-profile")));
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
            if (service != null) {
                service.stop();
            }
        } finally {
            if (d != null) {
                d.close();
            }
            if (log != null) {
                log.assertNoLeaks();
                log.close();
            }
        }
    }

    private String row(LoopbackTest.Echo real) {
        return "section[data-service='TCP 127.0.0.1:" + d.vip + "'] tr[data-real='" + d.address(real) + "']";
    }

    private WebElement cell(LoopbackTest.Echo real, String cell) {
        return browser.findElement(By.cssSelector(row(real) + " td." + cell));
    }

    @Test
    void theOperatorSeesServersFailAndDrainsOneWithTheButton() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(d.url("/"));
        // the page holds nothing until it has a token; a wrong one is refused and shows nothing
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys("not-the-token");
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("login-error"), "the director refused this token"));
        assertThat(browser.findElements(By.cssSelector("section"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('lvs4j-admin-token')"))
                .isNull();

        browser.findElement(By.id("token")).sendKeys(d.token);
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(row(d.a) + " td.state"), "UP"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector(row(d.b) + " td.state"), "UP"));
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('lvs4j-admin-token')"))
                .isEqualTo(d.token);
        List<WebElement> sections = browser.findElements(By.cssSelector("section"));
        assertThat(sections).hasSize(1);
        assertThat(sections.get(0).findElement(By.cssSelector("h2")).getText()).startsWith("TCP 127.0.0.1:" + d.vip
                + " (rr)");
        assertThat(sections.get(0).findElements(By.cssSelector("tbody tr"))).hasSize(2);
        assertThat(cell(d.a, "weight").getText()).isEqualTo("3");
        assertThat(cell(d.b, "weight").getText()).isEqualTo("2");
        assertThat(cell(d.a, "hold").getText()).isEqualTo("READY");
        assertThat(cell(d.a, "check").getText()).startsWith("passed: ");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("vrrp"), "VRRP VI_1 MASTER prio 120"));
        String upColour = cell(d.a, "state").getCssValue("background-color");

        // a real server dies: its row turns DOWN, in another colour, with the failed check and the transition
        d.b.close();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(row(d.b) + " td.state"), "DOWN"));
        assertThat(browser.findElement(By.cssSelector(row(d.b))).getAttribute("class")).contains("state-DOWN");
        assertThat(cell(d.b, "state").getCssValue("background-color")).isNotEqualTo(upColour);
        wait.until(ExpectedConditions.textMatches(By.cssSelector(row(d.b) + " td.change"),
                Pattern.compile("^DOWN \\d+s ago \\(.+\\)$")));
        assertThat(cell(d.b, "check").getText()).startsWith("failed: ");
        assertThat(cell(d.a, "state").getText()).isEqualTo("UP");

        // the Drain button drains the other: the director holds it, and the page shows the hold
        browser.findElement(By.cssSelector(row(d.a) + " button.drain")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(row(d.a) + " td.hold"), "DRAIN"));
        assertThat(d.director.adminState(new ServiceKey(Protocol.TCP,
                new InetSocketAddress("127.0.0.1", d.vip)), new InetSocketAddress("127.0.0.1", d.a.port())))
                .isEqualTo(KeepalivedDirector.AdminState.DRAIN);
        assertThat(browser.findElement(By.cssSelector(row(d.a))).getAttribute("class")).contains("hold-DRAIN");
        assertThat(cell(d.a, "state").getCssValue("background-color")).isNotEqualTo(upColour);
        assertThat(browser.findElement(By.id("message")).getText()).startsWith(d.address(d.a) + " in TCP "
                + "127.0.0.1:" + d.vip + ": draining");

        // and Set weight sets its weight, the hold staying
        browser.findElement(By.cssSelector(row(d.a) + " input.weight-input")).sendKeys("5");
        browser.findElement(By.cssSelector(row(d.a) + " button.set-weight")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(row(d.a) + " td.weight"), "5"));
        assertThat(cell(d.a, "hold").getText()).isEqualTo("DRAIN");

        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Path shot = Path.of("target", "stats-page.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(1000);
    }
}
