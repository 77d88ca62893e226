// Linux interfaces Swift's Glibc module leaves out: epoll, for the HTTP server's event loop, and pipe2, so a pipe
// is close-on-exec from its first instant (a child spawned by another thread in between would inherit it).
#pragma once
#include <sys/epoll.h>
#include <fcntl.h>

// glibc declares pipe2 only under _GNU_SOURCE, which Swift's Glibc module does not set.
int pipe2(int pipefd[2], int flags);

static inline int clinux_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
