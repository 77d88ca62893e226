// Linux interfaces Swift's Glibc module leaves out: epoll, for the HTTP server's event loop.
#pragma once
#include <sys/epoll.h>
