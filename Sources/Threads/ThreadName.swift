#if canImport(Glibc)
    import Glibc
#endif

/// Names the calling thread as `top -H`, `ps -L` and debuggers show it. A new thread would otherwise inherit its
/// creator's name (often a GCD worker's), which misleads whoever reads those tools. Linux keeps 15 bytes; the name
/// is written where the kernel keeps it (glibc's `pthread_setname_np` does the same, and Swift cannot see it).
func nameCurrentThread(_ name: String) {
    #if canImport(Glibc)
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    #endif
}
