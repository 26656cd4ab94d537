#!/usr/bin/env python3
"""Runs short system commands (ip, sysctl, ping, tshark, ...) for a Node process: one JSON request
per stdin line, {"id", "argv", "input", "timeoutMs"}; one JSON reply per stdout line, {"id", "code",
"signal", "stdout", "stderr", "timedOut", "notFound"}. Why: forking a Node test worker costs it
milliseconds of CPU per command in proportion to its memory (~10 ms at ~200 MB); forking this
small process costs about one. Commands run concurrently (a thread each). The runner ends when its
stdin closes (its parent exited or let it go); a command still running then is killed."""
import json
import signal
import subprocess
import sys
import threading

out_lock = threading.Lock()
running = set()
running_lock = threading.Lock()


def reply(obj):
    line = json.dumps(obj, ensure_ascii=False) + "\n"
    with out_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


def decode(b):
    # as Node's setEncoding('utf8'): invalid sequences become U+FFFD
    return (b or b"").decode("utf-8", errors="replace")


def run(req):
    rid = req.get("id")
    argv = req.get("argv") or []
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        reply({"id": rid, "code": 127, "signal": None, "stdout": "", "stderr": "", "timedOut": False, "notFound": True})
        return
    except OSError as e:
        reply({"id": rid, "code": 127, "signal": None, "stdout": "", "stderr": str(e), "timedOut": False, "notFound": False})
        return
    with running_lock:
        running.add(proc)
    timed_out = False
    try:
        try:
            out, err = proc.communicate(input=(req.get("input") or "").encode("utf-8"), timeout=max(0.001, req.get("timeoutMs", 20000) / 1000))
        except TimeoutExpired:
            timed_out = True
            proc.kill()
            out, err = proc.communicate()
    finally:
        with running_lock:
            running.discard(proc)
    rc = proc.returncode
    sig = None
    code = rc
    if rc is not None and rc < 0:
        try:
            sig = signal.Signals(-rc).name
        except ValueError:
            sig = "SIG%d" % -rc
        code = None
    reply({"id": rid, "code": code, "signal": sig, "stdout": decode(out), "stderr": decode(err), "timedOut": timed_out, "notFound": False})


TimeoutExpired = subprocess.TimeoutExpired


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError:
            continue  # not ours: the Node side writes one JSON object per line
        threading.Thread(target=run, args=(req,), daemon=True).start()
    with running_lock:
        for p in list(running):
            try:
                p.kill()
            except OSError:
                pass


if __name__ == "__main__":
    main()
