"""Escape probe: one attempt per run, inside a sandbox, for EscapeIT.

Usage: python3 escape-probe.py <operation> [arguments...]

Prints one word: "ok" (or what was read) when the attempt went through, else the errno name the kernel answered
(EPERM, EACCES, EROFS, ...). Syscalls are made by number through libc's syscall(), with harmless arguments: a
syscall the seccomp filter lets through then fails with EINVAL/EFAULT/EBADF instead of the filter's EPERM, so the
answer tells which layer stopped it. x86_64 numbers only.
"""
import ctypes
import errno
import os
import socket
import sys

LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.syscall.restype = ctypes.c_long

SYSCALLS = {
    "ptrace": 101, "syslog": 103, "capset": 126, "pivot_root": 155, "acct": 163,
    "settimeofday": 164, "mount": 165, "umount2": 166, "swapon": 167, "reboot": 169,
    "iopl": 172, "ioperm": 173, "init_module": 175, "delete_module": 176, "quotactl": 179, "clock_settime": 227,
    "kexec_load": 246, "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272, "perf_event_open": 298,
    "open_by_handle_at": 304, "setns": 308, "process_vm_readv": 310,
    "process_vm_writev": 311, "finit_module": 313, "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323,
    "io_uring_setup": 425, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432,
    "clone3": 435, "pidfd_getfd": 438, "mount_setattr": 442, "clone": 56,
}
SIGCHLD = 17


def name_of(code):
    return errno.errorcode.get(code, str(code))


def syscall(name, *args):
    """'ok' or the errno name of the raw syscall."""
    result = LIBC.syscall(SYSCALLS[name], *[ctypes.c_long(int(a)) for a in args])
    if result == -1:
        return name_of(ctypes.get_errno())
    if name == "clone" and result == 0:
        os._exit(0)  # the child of a clone that went through: leave at once
    return "ok"


def attempt(action):
    try:
        return action()
    except socket.timeout:  # an OSError without errno since Python 3.10: a dropped packet's silence
        return "timeout"
    except OSError as e:
        return name_of(e.errno)


def read(path):
    with open(path, "rb") as f:
        data = f.read(4096)
    return "read %d" % len(data) if data else "empty"


def write(path, data=b"1"):
    """Writes to an existing file, never creating one (a tmpfs would take any new name)."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return "ok"


def listing(path):
    names = os.listdir(path)
    return "entries %d" % len(names) if names else "empty"


def libc_call(function, *args):
    encoded = [a.encode() if isinstance(a, str) else a for a in args]
    if getattr(LIBC, function)(*encoded) == -1:
        return name_of(ctypes.get_errno())
    return "ok"


def connect(host, port, timeout=3):
    with socket.create_connection((host, int(port)), timeout=timeout):
        return "connected"


def connect_unix(address):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(address.replace("@", "\0", 1) if address.startswith("@") else address)
        return "connected"


def open_socket(family, kind, proto=0):
    with socket.socket(family, kind, proto):
        return "ok"


def chroot_escape(jail, marker):
    """The classic chroot escape: chroot into a subdirectory, climb out of it with .., chroot to where it lands."""
    os.makedirs(jail, exist_ok=True)
    outside = os.open("/", os.O_RDONLY)
    os.chroot(jail)
    os.fchdir(outside)
    for _ in range(64):
        os.chdir("..")
    os.chroot(".")
    return "found" if os.path.exists(marker) else "absent"


def raise_capability():
    """capset asking for every capability, CAP_SYS_ADMIN included, in the effective and permitted sets."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)(0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return syscall("capset", ctypes.addressof(header), ctypes.addressof(data))


def hard_link(source, target):
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    os.link(source, target)
    return "ok"


def fill_inodes(directory):
    os.makedirs(directory, exist_ok=True)
    count = 0
    try:
        while True:
            os.close(os.open("%s/%d" % (directory, count), os.O_CREAT | os.O_WRONLY, 0o600))
            count += 1
    except OSError as e:
        return "files %d %s" % (count, name_of(e.errno))


def fill_memory(megabytes):
    held = []
    try:
        for _ in range(int(megabytes)):
            held.append(bytearray(1 << 20))
        return "held %d MB" % len(held)
    except MemoryError:
        return "MemoryError after %d MB" % len(held)


def main(op, *args):
    operations = {
        "sys": lambda: syscall(args[0], *args[1:]),
        "read": lambda: read(args[0]),
        "write": lambda: write(args[0]),
        "list": lambda: listing(args[0]),
        "exists": lambda: "found" if os.path.lexists(args[0]) else "absent",
        "mknod": lambda: attempt(lambda: (os.mknod(args[0], 0o600 | (0o60000 if args[1] == "b" else 0o20000),
                                                   os.makedev(int(args[2]), int(args[3]))), "ok")[1]),
        "mount": lambda: libc_call("mount", args[0], args[1], args[2], ctypes.c_ulong(int(args[3], 0)), None),
        "umount": lambda: libc_call("umount2", args[0], 0),
        "link": lambda: hard_link(args[0], args[1]),
        "connect": lambda: connect(args[0], args[1]),
        "unix": lambda: connect_unix(args[0]),
        "raw": lambda: open_socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
        "packet": lambda: open_socket(socket.AF_PACKET, socket.SOCK_RAW, 0),
        "kill": lambda: (os.kill(int(args[0]), int(args[1])), "ok")[1],
        "chroot": lambda: chroot_escape(args[0], args[1]),
        "capset": raise_capability,
        "setxattr": lambda: (os.setxattr(args[0], args[1], b"\x01\x00\x00\x02" + b"\xff" * 16), "ok")[1],
        "unshare": lambda: syscall("unshare", int(args[0], 0)),
        "clone": lambda: syscall("clone", int(args[0], 0) | SIGCHLD, 0, 0, 0, 0),
        "inodes": lambda: fill_inodes(args[0]),
        "memory": lambda: fill_memory(args[0]),
    }
    print(attempt(operations[op]))


if __name__ == "__main__":
    main(*sys.argv[1:])
