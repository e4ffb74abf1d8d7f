#ifndef CEPOLL_H
#define CEPOLL_H

// The Linux calls the server needs that Swift's Glibc overlay does not reach cleanly:
// epoll's packed event struct and enum-typed flags, eventfd, accept4 (a GNU extension),
// sendmsg with MSG_NOSIGNAL, and socket constants that Glibc imports as enum cases.

#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

/// Interest and readiness bits, re-exported as plain integers.
extern const uint32_t CEPOLL_IN;
extern const uint32_t CEPOLL_OUT;
extern const uint32_t CEPOLL_RDHUP;
extern const uint32_t CEPOLL_HUP;
extern const uint32_t CEPOLL_ERR;
extern const uint32_t CEPOLL_ET;

/// One readiness report, unpacked (the kernel's `struct epoll_event` is packed on x86_64).
typedef struct {
    uint32_t events;
    uint64_t token;
} cepoll_event;

/// epoll_create1(EPOLL_CLOEXEC).
int cepoll_create(void);
/// epoll_ctl(EPOLL_CTL_ADD) with `token` as the event's data.
int cepoll_add(int epfd, int fd, uint32_t events, uint64_t token);
/// epoll_ctl(EPOLL_CTL_DEL).
int cepoll_remove(int epfd, int fd);
/// epoll_wait into unpacked events; returns the count, or -1 with errno (EINTR included).
int cepoll_wait(int epfd, cepoll_event *events, int capacity, int timeout_ms);

/// A non-blocking, close-on-exec eventfd used to wake the loop from other threads.
int cepoll_eventfd(void);
/// Adds one to the eventfd counter (wakes a loop blocked in epoll_wait).
void cepoll_eventfd_signal(int fd);
/// Resets the eventfd counter so the next signal produces a new edge.
void cepoll_eventfd_drain(int fd);

/// A non-blocking, close-on-exec TCP socket for `family` (AF_INET or AF_INET6).
int cepoll_tcp_socket(int family);
/// accept4(SOCK_NONBLOCK | SOCK_CLOEXEC).
int cepoll_accept(int fd, struct sockaddr_storage *address, socklen_t *length);
/// sendmsg of an iovec array with MSG_NOSIGNAL: a vanished peer gives EPIPE, never SIGPIPE.
ssize_t cepoll_send_iov(int fd, const struct iovec *iov, int count);
/// setsockopt helpers for the options the server sets on every socket.
int cepoll_set_reuse_address(int fd);
int cepoll_set_no_delay(int fd);
int cepoll_set_v6_only(int fd, int enabled);

/// CPUs this process may run on (sched_getaffinity), so `taskset` and container CPU sets
/// are respected; the online count when that fails.
int cepoll_available_cpus(void);
/// Names the calling thread (at most 15 characters) for ps, top and debuggers.
int cepoll_set_thread_name(const char *name);

#endif
