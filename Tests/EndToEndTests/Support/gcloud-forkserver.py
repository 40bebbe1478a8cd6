"""A fork server for the installed gcloud, for the end-to-end tests (see Tests/Emulator/README.md).

Most of a gcloud call's CPU is Python importing googlecloudsdk.gcloud_main (about 0.65 s of 0.9 s here). This
server imports it once, in the interpreter and environment the `gcloud` launcher would use, then forks a child
per call that runs the launcher's own entry (`gcloud.main()` of lib/gcloud.py) with the caller's argv,
environment, working directory and standard descriptors. The import itself reads the environment and the
(server's own, empty) configuration; `_ImportState` records what it read, and each child rebuilds that state
from the caller's values or hands the call back. Credentials are never read before the fork.

Started as `python3 gcloud-forkserver.py --launcher PATH_TO_GCLOUD --socket SOCKET [--max-lifetime S]`: it
rewrites the launcher's final `exec` line to start this file in serve mode, so the interpreter, its flags and
the exported variables are the launcher's own. Per call the child runs the launcher again, with the caller's
environment and the `exec` replaced by printing what it would exec and with which environment; if the
interpreter or its flags differ from the server's, or a variable the interpreter reads at start-up differs, or
one the import read, the child answers "fall back" and the client execs the real launcher itself.

Protocol on the UNIX socket, per connection: the client sends a 4-byte big-endian length with its fds 0, 1, 2
attached (SCM_RIGHTS), then that many bytes of JSON {"argv": [...], "env": {...}, "cwd": "..."}. The child
answers its pid as a 4-byte signed integer (-1: fall back). When the child has ended, the server (its parent,
which reaps it) sends 8 bytes: kind (0 exit code, 1 killed by signal) and value.
"""

import io
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

# The server's own stderr (its log), kept for a child once the caller's fds are on 0-2.
_LOG_FD = 2

# The variables the interpreter reads as it starts (or that change what it set up then): a call whose launcher
# environment differs from the server's in one of these falls back to the real launcher.
_STARTUP_PREFIXES = ('PYTHON',)
_STARTUP_NAMES = ('LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'CLOUDSDK_PYTHON', 'CLOUDSDK_PYTHON_ARGS',
                  'CLOUDSDK_PYTHON_SITEPACKAGES', 'VIRTUAL_ENV')


def _launcher_with_exec(launcher, replacement):
  """The launcher's text with its final `exec "$CLOUDSDK_PYTHON" ...` line replaced."""
  with open(launcher) as f:
    lines = f.read().split('\n')
  found = [i for i, line in enumerate(lines) if line.startswith('exec "$CLOUDSDK_PYTHON"')]
  if len(found) != 1:
    raise SystemExit('gcloud-forkserver: no single `exec "$CLOUDSDK_PYTHON"` line in ' + launcher)
  lines[found[0]] = replacement
  return '\n'.join(lines)


def _start(launcher, sock_path, max_lifetime):
  """Execs the launcher with its final line starting this file in serve mode."""
  script = _launcher_with_exec(
      launcher,
      'exec "$CLOUDSDK_PYTHON" $CLOUDSDK_PYTHON_ARGS "$_kgw_self" --serve "$CLOUDSDK_PYTHON" '
      '"$CLOUDSDK_PYTHON_ARGS" "$0" "$_kgw_socket" "$_kgw_lifetime" "$_kgw_parent"')
  # The paths reach the script as variables, never as shell text; the server's environment is the caller's.
  prelude = ('_kgw_self=$KGW_FORKSERVER_SELF _kgw_socket=$KGW_FORKSERVER_SOCKET '
             '_kgw_lifetime=$KGW_FORKSERVER_LIFETIME _kgw_parent=$KGW_FORKSERVER_PARENT\n'
             'unset KGW_FORKSERVER_SELF KGW_FORKSERVER_SOCKET KGW_FORKSERVER_LIFETIME KGW_FORKSERVER_PARENT\n')
  env = dict(os.environ)
  env.update(KGW_FORKSERVER_SELF=os.path.abspath(__file__), KGW_FORKSERVER_SOCKET=sock_path,
             KGW_FORKSERVER_LIFETIME=str(max_lifetime), KGW_FORKSERVER_PARENT=str(os.getppid()))
  os.execve('/bin/sh', ['/bin/sh', '-c', prelude + script, launcher], env)


def _launch_environment(launcher, env, cwd):
  """What the launcher would exec for a caller with `env` in `cwd`: (python, python args, environment)."""
  script = _launcher_with_exec(launcher, 'printf "%s\\0%s\\0" "$CLOUDSDK_PYTHON" "$CLOUDSDK_PYTHON_ARGS"; exec env -0')
  out = subprocess.run(['/bin/sh', '-c', script, launcher], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, check=True).stdout
  fields = out.split(b'\0')
  python, args = fields[0].decode(), fields[1].decode()
  result = {}
  for item in fields[2:]:
    if item:
      name, _, value = item.partition(b'=')
      result[os.fsdecode(name)] = os.fsdecode(value)
  return python, args, result


def _startup_view(env):
  return {k: v for k, v in env.items() if k.startswith(_STARTUP_PREFIXES) or k in _STARTUP_NAMES}


def _recv_exact(conn, count):
  data = b''
  while len(data) < count:
    chunk = conn.recv(count - len(data))
    if not chunk:
      raise EOFError('client went away')
    data += chunk
  return data


def _reopen_stdio():
  """New sys.std* on fds 0-2, made as the interpreter makes them at start-up (Python/pylifecycle.c).

  The encoding and error handler are the server's: it started with the launcher's PYTHONIOENCODING and locale,
  which a call shares or falls back. Buffering follows the new descriptors (none is a terminal: the client
  runs the launcher itself then).
  """
  streams = []
  for fd, mode, name, previous in ((0, 'rb', '<stdin>', sys.stdin), (1, 'wb', '<stdout>', sys.stdout),
                                   (2, 'wb', '<stderr>', sys.stderr)):
    raw = io.FileIO(fd, mode, closefd=False)
    raw.name = name
    buffered = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
    interactive = raw.isatty()
    text = io.TextIOWrapper(buffered, encoding=previous.encoding, errors=previous.errors, newline='\n',
                            line_buffering=fd != 0 and (interactive or fd == 2))
    text.mode = mode[0]
    streams.append(text)
  sys.stdin, sys.stdout, sys.stderr = streams
  sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams


def _end_with_client(conn):
  """Ends this child when its client goes away (it sends nothing more, so any read ends only then)."""
  try:
    conn.recv(1)
  except OSError:
    pass
  os.kill(os.getpid(), signal.SIGTERM)


def _fall_back(conn, reason):
  """Tells the client to run the real launcher itself; ends the child."""
  os.write(_LOG_FD, ('gcloud-forkserver: falling back: %s\n' % reason).encode())
  conn.sendall(struct.pack('>i', -1))
  os._exit(0)


def _child(conn, gcloud, state, launcher, server_python, server_args, server_view):
  """Runs one call in the forked child; never returns."""
  code = 1
  try:
    # The dispositions gcloud starts with under the launcher (the server's own are for the server).
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    size_data, fds, _, _ = socket.recv_fds(conn, 4, 3)
    if len(size_data) != 4 or len(fds) != 3:
      os._exit(1)
    (size,) = struct.unpack('>I', size_data)
    request = json.loads(_recv_exact(conn, size))
    python, args, env = _launch_environment(launcher, request['env'], request['cwd'])
    if python != server_python or args != server_args or _startup_view(env) != server_view:
      _fall_back(conn, 'the interpreter, its flags or its start-up variables differ')
    for target, fd in enumerate(fds):
      os.dup2(fd, target)
      os.close(fd)
    os.chdir(request['cwd'])
    os.environ.clear()
    os.environ.update(env)
    _reopen_stdio()
    reason = state.reset_for_caller()
    if reason:
      _fall_back(conn, reason)
    sys.argv = [gcloud.__file__] + request['argv']
    conn.sendall(struct.pack('>i', os.getpid()))
    # Signals go to the main thread, which runs gcloud: the watcher starts with them all blocked.
    every = signal.valid_signals()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, every)
    threading.Thread(target=_end_with_client, args=(conn,), daemon=True).start()
    signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    try:
      gcloud.main()
      code = 0
    except SystemExit as e:
      if e.code is None:
        code = 0
      elif isinstance(e.code, int):
        code = e.code
      else:
        sys.stderr.write(str(e.code) + '\n')
        code = 1
    except KeyboardInterrupt:
      # As the interpreter does for an uncaught KeyboardInterrupt: die of SIGINT.
      code = -signal.SIGINT
    except BaseException:  # pylint: disable=broad-except
      import traceback  # pylint: disable=g-import-not-at-top
      traceback.print_exc()
      code = 1
    # What the interpreter does on exit: atexit functions (gcloud's metrics), then flushing.
    import atexit  # pylint: disable=g-import-not-at-top
    atexit._run_exitfuncs()  # pylint: disable=protected-access
    for stream in (sys.stdout, sys.stderr):
      try:
        stream.flush()
      except Exception:  # pylint: disable=broad-except
        pass
  except BaseException:  # pylint: disable=broad-except
    try:
      import traceback  # pylint: disable=g-import-not-at-top
      traceback.print_exc()
    except BaseException:  # pylint: disable=broad-except
      pass
  if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
  os._exit(code & 0xff)


class _ImportState(object):
  """What importing gcloud_main read from the environment and the configuration, to compare per call.

  The import builds state from both: the properties' default endpoints (from the universe domain), the log
  manager's streams and formats (verbosity, colour, console format), the console's attributes (TERM, size),
  the GCE metadata settings, the CA bundle. The child resets what can be reset (properties cache, console
  attributes, log manager, on the caller's streams); for the rest it compares the caller's values with the
  ones read here and falls back to the real launcher when one differs.
  """

  # Read at import, but the child rebuilds what depends on them, from the caller's values.
  RESET = ('CLOUDSDK_CONFIG', 'CLOUDSDK_ACTIVE_CONFIG_NAME', 'PATH', b'PATH', 'TERM', 'COLUMNS', 'LINES')

  def __init__(self):
    self.environment = {}
    self.properties = {}
    self.universe_domain = None

  def record_import(self):
    """Imports gcloud_main as gcloud.main() does, recording the variables and properties it reads."""
    environ_class = os._Environ  # pylint: disable=protected-access
    getitem, contains = environ_class.__getitem__, environ_class.__contains__
    seen = self.environment
    before = dict(os.environ)
    before.update(os.environb)

    def recording_getitem(env, key):
      seen.setdefault(key, before.get(key))
      return getitem(env, key)

    def recording_contains(env, key):
      seen.setdefault(key, before.get(key))
      return contains(env, key)

    environ_class.__getitem__, environ_class.__contains__ = recording_getitem, recording_contains
    try:
      import gcloud  # pylint: disable=g-import-not-at-top
      sys.path = gcloud.reorder_sys_path(sys.path)
      from googlecloudsdk.core.util import encoding  # pylint: disable=g-import-not-at-top,unused-import
      gcloud._fix_google_module()  # pylint: disable=protected-access
      from googlecloudsdk.core import properties  # pylint: disable=g-import-not-at-top
      read = properties._GetPropertyWithoutCallback  # pylint: disable=protected-access
      recorded = self.properties

      def recording_read(prop, properties_file):
        value = read(prop, properties_file)
        recorded.setdefault(prop, None if value is None else value.value)
        return value

      properties._GetPropertyWithoutCallback = recording_read  # pylint: disable=protected-access
      try:
        import googlecloudsdk.gcloud_main  # pylint: disable=g-import-not-at-top,unused-import
      finally:
        properties._GetPropertyWithoutCallback = read  # pylint: disable=protected-access
    finally:
      environ_class.__getitem__, environ_class.__contains__ = getitem, contains
    self.universe_domain = self.current_universe_domain()
    return gcloud

  @staticmethod
  def current_universe_domain():
    """The universe domain as `UniversifyAddress` reads it (it built the default endpoints at import)."""
    from googlecloudsdk.core.configurations import named_configs  # pylint: disable=g-import-not-at-top
    try:
      active = named_configs.ConfigurationStore.ActiveConfig().GetProperties()
    except Exception:  # pylint: disable=broad-except
      return None
    return active.get('core', {}).get('universe_domain')

  def reset_for_caller(self):
    """In the child, with the caller's environment and streams: rebuilds the import's state, or says why not."""
    for key, value in self.environment.items():
      if key in self.RESET:
        continue
      now = os.environb.get(key) if isinstance(key, bytes) else os.environ.get(key)
      if now != value:
        return 'environment variable %r differs' % (key,)
    from googlecloudsdk.core import log  # pylint: disable=g-import-not-at-top
    from googlecloudsdk.core import properties  # pylint: disable=g-import-not-at-top
    from googlecloudsdk.core.configurations import named_configs  # pylint: disable=g-import-not-at-top
    from googlecloudsdk.core.console import console_attr  # pylint: disable=g-import-not-at-top
    named_configs.ActivePropertiesFile.Invalidate()
    if self.current_universe_domain() != self.universe_domain:
      return 'core/universe_domain differs'
    active = named_configs.ActivePropertiesFile.Load()
    for prop, value in self.properties.items():
      now = properties._GetPropertyWithoutCallback(prop, active)  # pylint: disable=protected-access
      if (None if now is None else now.value) != value:
        return 'property %s/%s differs' % (prop.section, prop.name)
    console_attr.ConsoleAttr._CONSOLE_ATTR_STATE = None  # pylint: disable=protected-access
    log.Reset(sys.stdout, sys.stderr)
    return None


def _serve(server_python, server_args, launcher, sock_path, max_lifetime, parent):
  lib = os.path.join(os.environ['CLOUDSDK_ROOT_DIR'], 'lib')
  # As when the launcher runs lib/gcloud.py as a script: its folder first on sys.path.
  sys.path[0] = lib
  global _LOG_FD
  _LOG_FD = os.dup(2)
  state = _ImportState()
  gcloud = state.record_import()
  server_view = _startup_view(os.environ)

  wake_r, wake_w = os.pipe()
  os.set_blocking(wake_w, False)
  signal.set_wakeup_fd(wake_w)
  signal.signal(signal.SIGCHLD, lambda *_: None)
  signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

  listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  temporary = sock_path + '.tmp'
  if os.path.exists(temporary):
    os.unlink(temporary)
  listener.bind(temporary)
  listener.listen(64)
  os.rename(temporary, sock_path)  # ready: the path appears only once it accepts.

  deadline = time.monotonic() + max_lifetime
  running = {}  # pid -> connection
  try:
    while time.monotonic() < deadline and os.getppid() == parent:
      try:
        ready, _, _ = select.select([listener, wake_r], [], [], 1.0)
      except InterruptedError:
        ready = []
      if wake_r in ready:
        os.read(wake_r, 512)
      if listener in ready:
        try:
          conn, _ = listener.accept()
        except OSError:
          conn = None
        if conn is not None:
          pid = os.fork()
          if pid == 0:
            listener.close()
            os.close(wake_r)
            os.close(wake_w)
            _child(conn, gcloud, state, launcher, server_python, server_args, server_view)
          running[pid] = conn
      while running:
        try:
          pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
          break
        if pid == 0:
          break
        conn = running.pop(pid, None)
        if conn is None:
          continue
        if os.WIFSIGNALED(status):
          answer = struct.pack('>ii', 1, os.WTERMSIG(status))
        else:
          answer = struct.pack('>ii', 0, os.WEXITSTATUS(status))
        try:
          conn.sendall(answer)
        except OSError:
          pass
        conn.close()
  finally:
    try:
      os.unlink(sock_path)
    except OSError:
      pass


def main(argv):
  if argv[1:2] == ['--serve']:
    server_python, server_args, launcher, sock_path, lifetime, parent = argv[2:8]
    _serve(server_python, server_args, launcher, sock_path, float(lifetime), int(parent))
    return
  options = dict(zip(argv[1::2], argv[2::2]))
  launcher = options.get('--launcher')
  sock_path = options.get('--socket')
  if not launcher or not sock_path:
    raise SystemExit('usage: gcloud-forkserver.py --launcher PATH --socket PATH [--max-lifetime SECONDS]')
  _start(launcher, sock_path, float(options.get('--max-lifetime', '7200')))


if __name__ == '__main__':
  main(sys.argv)
