// Linux interfaces Swift's Glibc module leaves out: epoll, for the HTTP server's event loop, and pipe2 and
// mkostemp, so a pipe or a temporary file is close-on-exec from its first instant (a child spawned by another thread
// in between would inherit it).
#pragma once
#include <sys/epoll.h>
#include <fcntl.h>

// glibc declares pipe2 only under _GNU_SOURCE, which Swift's Glibc module does not set.
int pipe2(int pipefd[2], int flags);
int mkostemp(char *template, int flags);

static inline int clinux_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

static inline int clinux_mkstemp_cloexec(char *template) { return mkostemp(template, O_CLOEXEC); }
