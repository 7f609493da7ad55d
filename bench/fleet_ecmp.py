#!/usr/bin/env python3
"""The client, the UDP real servers and the report of bench/fleet-ecmp.sh (standard library only).

  fleet_ecmp.py udp-echo IP:PORT=NAME...        answers each datagram with "NAME PEER_IP PAYLOAD"
  fleet_ecmp.py client VIP PORT SOURCES SECONDS OUT.jsonl
        SOURCES: FIRST_IP-LAST_IP, the client addresses (mh hashes the client address, so each flow has its own)
        runs, for SECONDS, three bounded loads and writes one JSON line per event:
          req   a new TCP connection per HTTP request (4 workers, about 50 requests/s each)
          keep  60 long-lived HTTP/1.1 connections, a request every 250 ms each, not reopened after an error
          udp   100 UDP flows, a datagram every 200 ms each
  fleet_ecmp.py report OUT.jsonl EVENTS [DIR]     the figures; EVENTS holds lines "NAME EPOCH_SECONDS", DIR the
        router's bucket tables buckets-up, buckets-killed, buckets-end (lines "INDEX NEXTHOP")

The real servers answer with their name and the address the request came from, which is the director's (a full
proxy connects from its own address), so every answer tells which director and which real server served it.
"""
import asyncio
import ipaddress
import json
import random
import socket
import statistics
import sys
import time


def udp_echo(specs):
    import selectors
    sel = selectors.DefaultSelector()
    for spec in specs:
        addr, name = spec.split("=")
        ip, port = addr.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((ip, int(port)))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, name.encode())
    while True:
        for key, _ in sel.select():
            try:
                while True:
                    data, peer = key.fileobj.recvfrom(2048)
                    key.fileobj.sendto(key.data + b" " + peer[0].encode() + b" " + data, peer)
            except BlockingIOError:
                pass


def parse_answer(text):
    """'rs1 10.10.12.2 ...' -> ('rs1', '10.10.12.2')."""
    parts = text.split()
    return (parts[0], parts[1]) if len(parts) >= 2 else (None, None)


class Client:
    def __init__(self, vip, port, sources, seconds, out):
        self.vip, self.port, self.seconds = vip, port, seconds
        first, last = (ipaddress.ip_address(x) for x in sources.split("-"))
        self.sources = [str(ipaddress.ip_address(i)) for i in range(int(first), int(last) + 1)]
        self.out = open(out, "w")
        self.deadline = 0.0

    def log(self, **event):
        event["t"] = round(time.time(), 4)
        self.out.write(json.dumps(event) + "\n")

    async def req_worker(self, w):
        rnd = random.Random(w)
        while time.monotonic() < self.deadline:
            src = rnd.choice(self.sources)
            started = time.time()
            try:
                r, wr = await asyncio.wait_for(asyncio.open_connection(self.vip, self.port, local_addr=(src, 0)), 1)
                wr.write(b"GET / HTTP/1.0\r\nHost: vip\r\n\r\n")
                data = await asyncio.wait_for(r.read(), 2)
                wr.close()
                body = data.split(b"\r\n\r\n", 1)[-1].decode(errors="replace")
                rs, director = parse_answer(body)
                if rs is None:
                    self.log(k="req", ok=False, err="empty", src=src, t0=started)
                else:
                    self.log(k="req", ok=True, rs=rs, d=director, src=src, t0=started)
            except (OSError, asyncio.TimeoutError) as e:
                self.log(k="req", ok=False, err=type(e).__name__, src=src, t0=started)
            await asyncio.sleep(0.02)

    async def keep_conn(self, i, src):
        try:
            r, wr = await asyncio.wait_for(asyncio.open_connection(self.vip, self.port, local_addr=(src, 0)), 2)
        except (OSError, asyncio.TimeoutError) as e:
            self.log(k="keep", i=i, ok=False, err="connect " + type(e).__name__)
            return
        try:
            while time.monotonic() < self.deadline:
                wr.write(b"GET / HTTP/1.1\r\nHost: vip\r\n\r\n")
                head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 2)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await asyncio.wait_for(r.readexactly(length), 2)
                rs, director = parse_answer(body.decode(errors="replace"))
                self.log(k="keep", i=i, ok=True, rs=rs, d=director)
                await asyncio.sleep(0.25)
            wr.close()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
            self.log(k="keep", i=i, ok=False, err=type(e).__name__)

    async def udp_flow(self, i, src):
        loop = asyncio.get_running_loop()
        answers = asyncio.Queue()

        class Proto(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                answers.put_nowait(data)

        transport, _ = await loop.create_datagram_endpoint(Proto, local_addr=(src, 0),
                                                           remote_addr=(self.vip, self.port))

        async def receive():
            while True:
                data = await answers.get()
                rs, director = parse_answer(data.decode(errors="replace"))
                self.log(k="udp", i=i, rs=rs, d=director)

        receiver = asyncio.ensure_future(receive())
        seq = 0
        while time.monotonic() < self.deadline:
            seq += 1
            transport.sendto(b"%d" % seq)
            self.log(k="udp-sent", i=i, seq=seq)
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)
        receiver.cancel()
        transport.close()

    async def run(self):
        self.deadline = time.monotonic() + self.seconds
        keep_src = self.sources[:60]
        udp_src = self.sources[60:160]
        tasks = [self.req_worker(w) for w in range(4)]
        tasks += [self.keep_conn(i, s) for i, s in enumerate(keep_src)]
        tasks += [self.udp_flow(i, s) for i, s in enumerate(udp_src)]
        await asyncio.gather(*tasks)
        self.out.close()


def buckets(directory):
    """How the router's resilient group moved its buckets: at the kill (up -> killed) and at the join (killed -> end)."""
    def table(name):
        with open(f"{directory}/buckets-{name}") as f:
            return dict(line.split() for line in f if line.strip())
    up, killed, end = table("up"), table("killed"), table("end")
    victim = set(killed.values()) ^ set(up.values())
    moved_kill = [i for i in up if killed.get(i) != up[i]]
    moved_join = [i for i in killed if end.get(i) != killed[i]]
    joined = set(end.values()) - set(killed.values())
    return {
        "buckets": len(up),
        "per_nexthop_up": {n: list(up.values()).count(n) for n in sorted(set(up.values()))},
        "kill_moved": len(moved_kill),
        "kill_moved_only_the_dead_ones": all(up[i] in victim for i in moved_kill),
        "join_moved": len(moved_join),
        "join_moved_fraction": round(len(moved_join) / len(killed), 3) if killed else None,
        "join_moved_only_to_the_newcomer": all(end.get(i) in joined for i in moved_join),
        "per_nexthop_end": {n: list(end.values()).count(n) for n in sorted(set(end.values()))},
    }


def report(path, events_path, bucket_dir=None):
    ev = {}
    for line in open(events_path):
        name, value = line.split()
        ev[name] = value if name.endswith("_ip") else float(value)
    kill, join = ev["kill"], ev["join"]
    victim = ev.get("victim_ip")
    events = [json.loads(line) for line in open(path)]
    out = {}

    # new connections: failures around the kill and the join
    req = [e for e in events if e["k"] == "req"]
    fails = [e for e in req if not e["ok"]]
    before = [e for e in fails if e["t0"] < kill]
    after_kill = [e for e in fails if kill <= e["t0"] < join]
    after_join = [e for e in fails if e["t0"] >= join]
    out["new_connections"] = {
        "attempts": len(req),
        "failed_before_kill": len(before),
        "failed_after_kill": len(after_kill),
        "failed_after_join": len(after_join),
        "errors_after_kill": sorted({e["err"] for e in after_kill}),
        "first_failure_after_kill_s": round(min(e["t0"] for e in after_kill) - kill, 3) if after_kill else None,
        "last_failure_after_kill_s": round(max(e["t0"] for e in after_kill) - kill, 3) if after_kill else None,
        "ok_per_director": {d: sum(1 for e in req if e["ok"] and e["d"] == d) for d in
                            sorted({e.get("d") for e in req if e["ok"]})},
    }

    # long-lived TCP connections: who served each first, and what happened to it
    keep = {}
    for e in events:
        if e["k"] != "keep":
            continue
        c = keep.setdefault(e["i"], {"first": None, "directors": set(), "end": None})
        if e["ok"]:
            c["first"] = c["first"] or e["d"]
            c["directors"].add(e["d"])
        else:
            c["end"] = (e["t"], e["err"])
    by = {}
    for c in keep.values():
        d = c["first"]
        s = by.setdefault(d, {"connections": 0, "ended_kill_phase": 0, "ended_join_phase": 0, "errors": set()})
        s["connections"] += 1
        if c["end"]:
            phase = "ended_kill_phase" if c["end"][0] < join else "ended_join_phase"
            s[phase] += 1
            s["errors"].add(c["end"][1])
    for s in by.values():
        s["errors"] = sorted(s["errors"])
    out["long_lived_tcp_by_first_director"] = by

    # UDP flows: director and real server per answer, per phase
    udp = {}
    for e in events:
        if e["k"] == "udp":
            udp.setdefault(e["i"], []).append(e)
    settle = 1.5  # seconds after the kill/join before a flow's new director counts

    def at(answers, lo, hi):
        return [a for a in answers if lo <= a["t"] < hi]

    victims, moved_kill, same_rs_kill, gaps = 0, 0, 0, []
    join_moved, join_same_rs, join_flows = 0, 0, 0
    end = max(e["t"] for e in events)
    for answers in udp.values():
        pre = at(answers, kill - 3, kill)
        post = at(answers, ev["route_kill"] + settle, join)
        if not pre or not post:
            continue
        d0, r0 = pre[-1]["d"], pre[-1]["rs"]
        if d0 == victim:
            victims += 1
            if post[-1]["d"] != victim:
                moved_kill += 1
            if all(a["rs"] == r0 for a in post):
                same_rs_kill += 1
            after = [a["t"] for a in answers if a["t"] > kill]
            gaps.append(after[0] - pre[-1]["t"] if after else None)
        # join: compare the director just before the join with the one at the end
        pj = at(answers, join - 3, join)
        fin = at(answers, end - 3, end)
        if pj and fin:
            join_flows += 1
            if fin[-1]["d"] != pj[-1]["d"]:
                join_moved += 1
                if all(a["rs"] == pj[-1]["rs"] for a in at(answers, join, end)):
                    join_same_rs += 1
    gaps = [g for g in gaps if g is not None]
    out["udp"] = {
        "flows": len(udp),
        "flows_on_killed_director": victims,
        "of_those_moved_to_survivors": moved_kill,
        "of_those_same_real_server_after": same_rs_kill,
        "gap_median_s": round(statistics.median(gaps), 3) if gaps else None,
        "gap_max_s": round(max(gaps), 3) if gaps else None,
        "join_flows": join_flows,
        "join_moved": join_moved,
        "join_moved_fraction": round(join_moved / join_flows, 3) if join_flows else None,
        "join_moved_same_real_server": join_same_rs,
    }
    sent = sum(1 for e in events if e["k"] == "udp-sent")
    got = sum(1 for e in events if e["k"] == "udp")
    out["udp"]["datagrams_sent"], out["udp"]["answers"] = sent, got
    if bucket_dir:
        out["router_buckets"] = buckets(bucket_dir)
    print(json.dumps(out, indent=1))


def main():
    cmd = sys.argv[1]
    if cmd == "udp-echo":
        udp_echo(sys.argv[2:])
    elif cmd == "client":
        vip, port, sources, seconds, out = sys.argv[2:7]
        asyncio.run(Client(vip, int(port), sources, float(seconds), out).run())
    elif cmd == "report":
        report(*sys.argv[2:5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
