/* libmkimg_preload.so: the program's sleeps, shortened (specs/emulator.md §7).
 *
 * Burn programs sleep before they ask a drive how an operation is going, whatever the
 * drive would answer: libburn 25 ms between TEST UNIT READY polls and 0.5 s after LOAD,
 * START STOP UNIT, SYNCHRONIZE CACHE and CLOSE TRACK/SESSION, xorriso 100 ms steps while it
 * waits for libburn, growisofs 1 s between polls, cdrdao 1 s while its reader fills the
 * first buffer, wodim 0.5 s steps while its FIFO fills. Their own reader processes and
 * FIFOs poll each other in sleeps sized for a drive that takes a second per few megabytes:
 * cdrdao's 10 ms, cdrskin's and wodim's 20 ms (wodim's writer 80 ms); with a drive that
 * does not wait, those polls are where the program waits (specs/compatibility.md §5.2).
 * A virtual recorder has finished long before any of them ends, so under `mkimg emu run`
 * every relative sleep of kShortenFromNs or more lasts 1/kSleepDivisor of its length, and a
 * poll's (up to kPollMaxNs) at most kShortenedMaxNs, or kTalkingMaxNs while the program
 * talks to a drive (the sleeps between IMMED status polls, the waits after LOAD or before
 * a FIFO fills up, up to a second each); a longer sleep (a countdown, a
 * progress loop, a script holding the drive) keeps 1/kSleepDivisor of its length. A
 * shortened sleep still sleeps (at least 0.25 ms), so no loop becomes a busy wait; sleeps
 * under kShortenFromNs are kept. A poll loop's time-out counted in sleeps shrinks with
 * them (wodim gives its input 240 s in 80 ms steps: 12 s here).
 * Only the program's waiting is shortened: what the drive answers, and when, is unchanged,
 * and a program that polls progress still sees it progress. `mkimg emu run --real-time`
 * (MKIMG_EMU_REAL_TIME in the environment) keeps every sleep whole. Sleeps until an
 * absolute time (TIMER_ABSTIME) are kept whole. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "preload_internal.h"

DEFINE_REAL(int, nanosleep, (const struct timespec*, struct timespec*))
DEFINE_REAL(int, clock_nanosleep, (clockid_t, int, const struct timespec*, struct timespec*))
DEFINE_REAL(int, poll, (struct pollfd*, nfds_t, int))
DEFINE_REAL(int, select, (int, fd_set*, fd_set*, fd_set*, struct timeval*))

enum { kSleepDivisor = 20 };
static const int64_t kShortenFromNs = 5 * 1000 * 1000;
static const int64_t kShortenedMaxNs = 10 * 1000 * 1000;
static const int64_t kPollMaxNs = 1000 * 1000 * 1000;
/* While the program talks to a drive (an answer came within kTalkingNs), a poll lasts at
 * most kTalkingMaxNs: it waits on the drive, which has finished. */
static const int64_t kTalkingNs = 50 * 1000 * 1000;
static const int64_t kTalkingMaxNs = 1000 * 1000;

static int shorten(void) {
  static int cached = -1; /* -1 unknown, 0 keep, 1 shorten */
  int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (v < 0) {
    const char* real_time = getenv(MKIMG_EMU_REAL_TIME_ENV);
    v = preload_enabled() && (real_time == NULL || real_time[0] == '\0');
    __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
  }
  return v;
}

static int64_t to_ns(const struct timespec* t) {
  return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static struct timespec from_ns(int64_t ns) {
  struct timespec t = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
  return t;
}

static int talking_to_drive(void) {
  const int64_t last = preload_last_answer_ns();
  if (last == 0) return 0;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return to_ns(&now) - last < kTalkingNs;
}

/* The duration to sleep instead of `ns` (ns itself when it is kept). */
static int64_t shortened(int64_t ns) {
  if (ns < kShortenFromNs || !shorten()) return ns;
  const int64_t s = ns / kSleepDivisor;
  if (ns > kPollMaxNs) return s;
  const int64_t cap = talking_to_drive() ? kTalkingMaxNs : kShortenedMaxNs;
  return s > cap ? cap : s;
}

/* A relative sleep of *req on `clock` (CLOCK_REALTIME for nanosleep); *rem, if asked for,
 * is given back at the program's scale. */
static int sleep_relative(clockid_t clock, const struct timespec* req, struct timespec* rem,
                          int via_clock_nanosleep) {
  if (req == NULL || req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0) {
    if (via_clock_nanosleep) return real_clock_nanosleep()(clock, 0, req, rem);
    return real_nanosleep()(req, rem);
  }
  const int64_t asked = to_ns(req);
  const int64_t ns = shortened(asked);
  if (ns == asked) {
    if (via_clock_nanosleep) return real_clock_nanosleep()(clock, 0, req, rem);
    return real_nanosleep()(req, rem);
  }
  const struct timespec t = from_ns(ns);
  struct timespec left = {0, 0};
  const int r = via_clock_nanosleep ? real_clock_nanosleep()(clock, 0, &t, &left)
                                    : real_nanosleep()(&t, &left);
  const int interrupted = via_clock_nanosleep ? r == EINTR : (r != 0 && errno == EINTR);
  /* What is left, at the program's scale (asked / ns >= kSleepDivisor; ns >= 0.25 ms). */
  if (interrupted && rem != NULL) *rem = from_ns((int64_t)((double)to_ns(&left) * asked / ns));
  return r;
}

int nanosleep(const struct timespec* req, struct timespec* rem) {
  return sleep_relative(CLOCK_REALTIME, req, rem, 0);
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec* req, struct timespec* rem) {
  if (flags & TIMER_ABSTIME) return real_clock_nanosleep()(clock, flags, req, rem);
  return sleep_relative(clock, req, rem, 1);
}

int usleep(useconds_t us) {
  const struct timespec t = from_ns((int64_t)us * 1000);
  return sleep_relative(CLOCK_REALTIME, &t, NULL, 0);
}

unsigned int sleep(unsigned int seconds) {
  const struct timespec t = {(time_t)seconds, 0};
  struct timespec left = {0, 0};
  if (sleep_relative(CLOCK_REALTIME, &t, &left, 0) == 0) return 0;
  return (unsigned int)left.tv_sec + (left.tv_nsec > 0 ? 1u : 0u);
}

/* poll and select with nothing to watch are sleeps (growisofs waits with poll(NULL, 0,
 * 1000)); with descriptors they are left alone. */
int poll(struct pollfd* fds, nfds_t nfds, int timeout_ms) {
  if (nfds == 0 && timeout_ms > 0) {
    /* In whole milliseconds, rounded up: a shortened poll still sleeps. */
    timeout_ms = (int)((shortened((int64_t)timeout_ms * 1000000) + 999999) / 1000000);
  }
  return real_poll()(fds, nfds, timeout_ms);
}

int select(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
           struct timeval* timeout) {
  if (nfds == 0 && readfds == NULL && writefds == NULL && exceptfds == NULL && timeout != NULL &&
      timeout->tv_sec >= 0 && timeout->tv_usec >= 0) {
    const int64_t asked = (int64_t)timeout->tv_sec * 1000000000 + timeout->tv_usec * 1000;
    const int64_t ns = shortened(asked);
    if (ns != asked) {
      struct timeval t = {(time_t)(ns / 1000000000), (suseconds_t)(ns % 1000000000 / 1000)};
      const int r = real_select()(0, NULL, NULL, NULL, &t);
      timeout->tv_sec = 0; /* Linux gives back the time left: none, the sleep is over */
      timeout->tv_usec = 0;
      return r;
    }
  }
  return real_select()(nfds, readfds, writefds, exceptfds, timeout);
}
