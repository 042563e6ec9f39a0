/* The wire format between the preload library (emulator/preload, C) and the emulator
 * server (emulator/server, C++): fixed-size requests and responses over a local
 * SOCK_STREAM Unix socket, in host byte order (both ends run on one machine), each
 * optionally followed by a payload of `payload_length` bytes. There is no published
 * spec; the SCSI fields mirror the Linux SG_IO v3 header (linux/include/scsi/sg.h) and
 * SAM-5 status codes. specs/compatibility.md describes the whole design.
 *
 * Two kinds of connection exist:
 *  - A placeholder: the first request is kOpen. The server answers with one
 *    MkimgEmuResponse (the "token record") and never sends anything else; the client never
 *    consumes it but reads it with MSG_PEEK, so a process that inherits the socket across
 *    exec can recognise it. The connection's end (last close of the fd, or death of every
 *    holder) is the kernel's release() moment: the server then drops O_EXCL claims and
 *    flock locks held through it.
 *  - A transaction connection: any number of requests carrying a token (kSgIo, kRead, ...)
 *    each answered by exactly one response. Clients keep one per thread.
 *
 * The data area (specs/emulator.md §6): a transaction connection's first request may be
 * kAttach; the server answers with MKIMG_EMU_SHARED_BYTES in `value` and, as SCM_RIGHTS
 * ancillary data, a sealed memfd of that size (F_SEAL_SHRINK | F_SEAL_GROW |
 * F_SEAL_SEAL) that both ends map shared. A later request with MKIMG_EMU_FLAG_SHARED in
 * `flags` then carries its data-out bytes (kSgIo, kWrite: transfer_length of them) at
 * offset 0 of the area instead of a socket payload, and asks for its data-in bytes there:
 * the response sets `shared` and `value` counts them. Every length travels on the socket;
 * the area holds data only, which the server copies out once before the drive sees it
 * (the client may change the shared bytes at any time). Transfers larger than the area use
 * socket payloads as before.
 */
#ifndef MKIMG_EMULATOR_SERVER_WIRE_H_
#define MKIMG_EMULATOR_SERVER_WIRE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MKIMG_EMU_MAGIC 0x4d454d4bu /* "KMEM" little-endian: a version-1 message */
#define MKIMG_EMU_MAX_PAYLOAD (16u * 1024u * 1024u)
#define MKIMG_EMU_MAX_SENSE 64u
#define MKIMG_EMU_SOCKET_ENV "MKIMG_EMU_SOCKET"
#define MKIMG_EMU_DRIVES_ENV "MKIMG_EMU_DRIVES"
/* Set and not empty: the program's long sleeps are kept whole (preload_time.c). */
#define MKIMG_EMU_REAL_TIME_ENV "MKIMG_EMU_REAL_TIME"
/* The fake /sys and /proc files live in <dirname(socket)>/root; the per-drive POSIX lock
 * files in <dirname(socket)>/locks/drive<K>. */
#define MKIMG_EMU_MAX_DRIVES 32

enum MkimgEmuOp {
  kMkimgEmuOpen = 1,     /* drive, node, open_flags, pid -> token record */
  kMkimgEmuSgIo = 2,     /* cdb, direction, transfer_length, timeout; data-out payload */
  kMkimgEmuRead = 3,     /* transfer_length bytes at offset (-1: the open file's offset) */
  kMkimgEmuWrite = 4,    /* payload at offset (-1: the open file's offset) */
  kMkimgEmuSeek = 5,     /* offset, whence -> value = new offset */
  kMkimgEmuFlock = 6,    /* flock_operation (LOCK_SH/LOCK_EX/LOCK_UN | LOCK_NB) */
  kMkimgEmuCapacity = 7, /* -> value = readable bytes (READ CAPACITY), error ENOMEDIUM */
  kMkimgEmuAttach = 8    /* first request of a transaction connection -> value = area bytes,
                          * the memfd as SCM_RIGHTS; error ENOSYS: no area, use payloads */
};

/* The data area's size: the largest usual transfer (WRITE of 32 sectors of 2048 bytes,
 * wodim's 31 of 2448, SG_SET_RESERVED_SIZE's 1 MiB ceiling) fits. */
#define MKIMG_EMU_SHARED_BYTES (1024u * 1024u)
/* MkimgEmuRequest.flags */
#define MKIMG_EMU_FLAG_SHARED 1u /* data-out in the area; data-in wanted there */

enum MkimgEmuNode {
  kMkimgEmuNodeBlock = 0,  /* /dev/srK and /dev/scdK: block 11:K */
  kMkimgEmuNodeGeneric = 1 /* /dev/sgK: char 21:K */
};

enum MkimgEmuDirection { kMkimgEmuNone = 0, kMkimgEmuToDevice = 1, kMkimgEmuFromDevice = 2 };

struct MkimgEmuRequest {
  uint32_t magic;           /* MKIMG_EMU_MAGIC */
  uint32_t op;              /* MkimgEmuOp */
  uint64_t token;           /* the open file (all but kOpen) */
  uint32_t drive;           /* kOpen: K */
  uint32_t node;            /* kOpen: MkimgEmuNode */
  int32_t open_flags;       /* kOpen: open(2) flags */
  int32_t pid;              /* kOpen: the opener, for diagnostics */
  uint8_t cdb[16];          /* kSgIo */
  uint32_t cdb_length;      /* kSgIo: 1..16 */
  uint32_t direction;       /* kSgIo: MkimgEmuDirection */
  uint32_t transfer_length; /* kSgIo: data-in/out bytes; kRead: bytes wanted */
  uint32_t timeout_ms;      /* kSgIo */
  int64_t offset;           /* kRead/kWrite/kSeek */
  int32_t whence;           /* kSeek */
  int32_t flock_operation;  /* kFlock */
  uint32_t payload_length;  /* bytes following this header */
  uint32_t flags;           /* MKIMG_EMU_FLAG_* */
};

struct MkimgEmuResponse {
  uint32_t magic;          /* MKIMG_EMU_MAGIC */
  uint32_t op;             /* the request's op */
  int32_t error;           /* 0, or the errno the call must fail with */
  uint32_t drive;          /* token record: K */
  uint64_t token;          /* token record */
  uint32_t node;           /* token record: MkimgEmuNode */
  int32_t open_flags;      /* token record: the flags of the open */
  uint8_t scsi_status;     /* kSgIo: SAM-5 status byte */
  uint8_t transport_error; /* kSgIo: the command did not reach the drive */
  uint8_t sense_length;    /* kSgIo: valid bytes in sense */
  uint8_t shared;          /* kSgIo/kRead: the `value` data-in bytes are in the area */
  uint32_t payload_length; /* bytes following this header (data-in, read data) */
  int64_t value;           /* kSgIo: bytes transferred; kRead/kWrite: bytes; kSeek: offset */
  uint8_t sense[MKIMG_EMU_MAX_SENSE];
};

#ifdef __cplusplus
}
#define MKIMG_EMU_STATIC_ASSERT static_assert
#else
#define MKIMG_EMU_STATIC_ASSERT _Static_assert
#endif
/* The layout is the protocol: both ends are compiled from this header, but a change must
 * be deliberate. */
MKIMG_EMU_STATIC_ASSERT(sizeof(struct MkimgEmuRequest) == 88, "request layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuRequest, token) == 8, "request layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuRequest, cdb) == 32, "request layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuRequest, offset) == 64, "request layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuRequest, payload_length) == 80, "request layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuRequest, flags) == 84, "request layout");
MKIMG_EMU_STATIC_ASSERT(sizeof(struct MkimgEmuResponse) == 112, "response layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuResponse, token) == 16, "response layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuResponse, scsi_status) == 32, "response layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuResponse, shared) == 35, "response layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuResponse, value) == 40, "response layout");
MKIMG_EMU_STATIC_ASSERT(offsetof(struct MkimgEmuResponse, sense) == 48, "response layout");
#undef MKIMG_EMU_STATIC_ASSERT

#endif /* MKIMG_EMULATOR_SERVER_WIRE_H_ */
