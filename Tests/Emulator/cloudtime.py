"""How fast the emulated cloud moves: the instant profile (everything at once) and the realistic one.

Durations are real-world seconds (Google's published figures where there are any; README.md cites them) and
are multiplied by the time scale, so `--time-scale 0.02` turns a 6-minute cluster into about 7 s. Each part of
the realistic model can be switched on or off on its own. Deferred work (an operation finishing, an IAM binding
taking effect) is kept in a schedule that every request and a 20 Hz ticker advance, so what happens is logged
(server "cloud") at the moment it happens in the model.
"""
import heapq
import itertools
import threading
import time
import traceback

from core import LOCK, ApiError

# name -> (real-world seconds, the part that turns it on)
DURATIONS = {
    "create_cluster": (360, "operations"),
    "create_cluster_autopilot": (420, "operations"),
    "delete_cluster": (240, "operations"),
    "update_cluster": (180, "operations"),
    "create_node_pool": (240, "operations"),
    "delete_node_pool": (180, "operations"),
    "update_node_pool": (240, "operations"),
    "enable_service": (30, "operations"),
    "stockout_give_up": (2100, "operations"),
    "iam_policy": (120, "iam_propagation"),
    "new_service_account": (60, "iam_propagation"),
    "metadata_warmup": (5, "metadata_warmup"),
    "node_scale_up": (120, "pod_startup"),
    "image_pull": (120, "pod_startup"),
    "pod_start": (10, "pod_startup"),
    "pip_offline": (78, "program_time"),
    "rayjob_requeue": (3, "program_time"),
    "ray_job_start": (4, "program_time"),
}
PARTS = ["operations", "one_operation_per_cluster", "iam_propagation", "metadata_warmup", "pod_startup",
         "program_time"]
PROFILES = {"instant": set(), "realistic": set(PARTS)}
TICK = 0.05


class Profile:
    """The effective profile: a name, a time scale, the parts switched on and any overridden durations."""

    def __init__(self):
        self.name, self.time_scale, self.parts, self.overrides = "instant", 1.0, set(), {}

    def configure(self, spec):
        """Applies a control body: {"profile", "time_scale", "parts": {part: bool}, "durations": {name: s}}.
        A new profile name resets parts and durations to that profile's defaults first. All or nothing."""
        if not isinstance(spec, dict):
            raise ApiError(400, "profile: expected a JSON object")
        name = spec.get("profile", self.name)
        if name not in PROFILES:
            raise ApiError(400, "profile: must be one of %s, not %r" % (", ".join(sorted(PROFILES)), name))
        scale = spec.get("time_scale", self.time_scale if name == self.name else 1.0)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or scale <= 0:
            raise ApiError(400, "time_scale: must be a number greater than 0, not %r" % (scale,))
        parts = set(self.parts) if name == self.name else set(PROFILES[name])
        for part, on in (spec.get("parts") or {}).items():
            if part not in PARTS:
                raise ApiError(400, "parts.%s: unknown part (known: %s)" % (part, ", ".join(PARTS)))
            if not isinstance(on, bool):
                raise ApiError(400, "parts.%s: must be true or false" % part)
            (parts.add if on else parts.discard)(part)
        overrides = dict(self.overrides) if name == self.name else {}
        for key, seconds in (spec.get("durations") or {}).items():
            if key not in DURATIONS:
                raise ApiError(400, "durations.%s: unknown duration (known: %s)" % (key, ", ".join(DURATIONS)))
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
                raise ApiError(400, "durations.%s: must be a number of seconds >= 0" % key)
            overrides[key] = float(seconds)
        self.name, self.time_scale, self.parts, self.overrides = name, float(scale), parts, overrides

    def on(self, part):
        return part in self.parts

    def real(self, key):
        return self.overrides.get(key, float(DURATIONS[key][0]))

    def delay(self, key):
        """Wall-clock seconds `key` takes now: 0 while its part is off."""
        return self.real(key) * self.time_scale if self.on(DURATIONS[key][1]) else 0.0

    def scaled(self, seconds):
        """Wall-clock seconds for `seconds` of a program's own time in a pod (its sleeps, its timeouts)."""
        return seconds * self.time_scale if self.on("program_time") else 0.0

    def describe(self):
        return {"profile": self.name, "time_scale": self.time_scale,
                "parts": {p: p in self.parts for p in PARTS},
                "durations": {k: {"real_seconds": self.real(k), "part": part, "wall_seconds": round(self.delay(k), 3)}
                              for k, (_, part) in DURATIONS.items()}}


class Schedule:
    """Deferred work: (when, fn) run in time order by advance(); fn runs under LOCK."""

    def __init__(self):
        self.heap, self.seq = [], itertools.count()

    def at(self, when, fn):
        heapq.heappush(self.heap, (when, next(self.seq), fn))


def now():
    return time.time()


def schedule(emu, when, fn):
    with LOCK:
        emu.schedule.at(when, fn)


def advance(emu):
    """Runs what is due. Called at the start of every request and by the ticker."""
    with LOCK:
        heap = emu.schedule.heap
        while heap and heap[0][0] <= now():
            when, _, fn = heapq.heappop(heap)
            try:
                fn(when)
            except Exception:  # a bug in the emulator: say so, keep serving
                traceback.print_exc()


def log_event(emu, kind, path, query="", status=200, at=None):
    """A transition of the model (not a request): server "cloud", method "-", time = when it happened."""
    emu.record("cloud", "-", path, query, status, kind, at=at)


def start_ticker(emu):
    def loop():
        while True:
            time.sleep(TICK)
            advance(emu)
    threading.Thread(target=loop, daemon=True).start()
