/* libmkimg_preload.so ioctl: what the Linux sr, sg and block drivers answer on a virtual
 * drive's descriptor. SG_IO follows the sg v3 interface (include/scsi/sg.h,
 * block/scsi_ioctl.c sg_io(), drivers/scsi/sg.c): every header output field is filled as
 * the kernel fills it, because the programs read different ones (growisofs `info` and
 * `masked_status`, wodim `driver_status & DRIVER_SENSE`, libburn `host_status` and
 * `driver_status & 0xf7`, cdrdao `status` and `sb_len_wr`). The CD-ROM ioctls
 * (include/uapi/linux/cdrom.h) become the MMC-6 commands drivers/cdrom/cdrom.c sends. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <scsi/scsi.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "preload_internal.h"

DEFINE_REAL(int, ioctl, (int, unsigned long, ...))

/* From the kernel's include/scsi/sg.h, absent from glibc's copy. */
#ifndef SG_DXFER_UNKNOWN
#define SG_DXFER_UNKNOWN (-5)
#endif
#ifndef SG_GET_ACCESS_COUNT
#define SG_GET_ACCESS_COUNT 0x2289
#endif

#define kDidOk 0x00
#define kDidNoConnect 0x01
#define kDidError 0x07
#define kDriverSense 0x08
#define kMaxReserved (1024 * 1024)
#define kUserHz 100

struct ScsiAddress {
  int host, channel, target, lun;
};

/* The same formula as emulator::ScsiAddressOf (server.h). */
static struct ScsiAddress address_of(int drive) {
  struct ScsiAddress a = {7 + drive / 16, 0, drive % 16, 0};
  return a;
}

/* Executes one CDB on the drive. Returns 0 and fills status/sense, or an errno when the
 * server is unreachable. */
static int run_cdb(const struct PreloadFd* f, const unsigned char* cdb, unsigned cdb_length,
                   int direction, const void* out, void* in, unsigned length, unsigned timeout_ms,
                   struct MkimgEmuResponse* response) {
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuSgIo;
  request.token = f->token;
  memcpy(request.cdb, cdb, cdb_length);
  request.cdb_length = cdb_length;
  request.direction = (uint32_t)direction;
  request.transfer_length = length;
  request.timeout_ms = timeout_ms;
  size_t out_length = 0;
  if (direction == kMkimgEmuToDevice) {
    request.payload_length = length;
    out_length = length;
  }
  const int err = preload_transact(&request, out, out_length, response, in,
                                   direction == kMkimgEmuFromDevice ? length : 0);
  if (err != 0) return err;
  return response->error;
}

static unsigned sense_key(const struct MkimgEmuResponse* r, unsigned* asc, unsigned* ascq) {
  const unsigned char* s = r->sense;
  *asc = *ascq = 0;
  if (r->sense_length < 3) return 0;
  if ((s[0] & 0x7f) == 0x72 || (s[0] & 0x7f) == 0x73) {
    *asc = s[2];
    *ascq = s[3];
    return s[1] & 0x0f;
  }
  if (r->sense_length >= 14) {
    *asc = s[12];
    *ascq = s[13];
  }
  return s[2] & 0x0f;
}

/* A command issued by the driver itself: unit attentions are retried as sr does. */
static int driver_cdb(const struct PreloadFd* f, const unsigned char* cdb, unsigned cdb_length,
                      int direction, void* in, unsigned length, struct MkimgEmuResponse* response) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    const int err = run_cdb(f, cdb, cdb_length, direction, NULL, in, length, 30000, response);
    if (err != 0) return err;
    unsigned asc, ascq;
    if (response->scsi_status != 0x02 || sense_key(response, &asc, &ascq) != 0x06) return 0;
  }
  return 0;
}

static int command_ok(const struct MkimgEmuResponse* r) {
  return !r->transport_error && r->scsi_status == 0;
}

/* ---- SG_IO -------------------------------------------------------------------------- */

static long elapsed_ms(const struct timespec* start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static int sg_io(const struct PreloadFd* f, struct sg_io_hdr* h) {
  if (h == NULL) {
    errno = EFAULT;
    return -1;
  }
  if (h->interface_id != 'S') {
    errno = f->node == kMkimgEmuNodeGeneric ? ENOSYS : EINVAL;
    return -1;
  }
  if (h->cmdp == NULL || h->cmd_len < 1 || h->cmd_len > 16) {
    errno = EINVAL;
    return -1;
  }
  if (h->dxfer_len > MKIMG_EMU_MAX_PAYLOAD) {
    errno = ENOMEM;
    return -1;
  }
  /* block/scsi_ioctl.c sg_io() and sg.c check the direction only when data moves:
   * cdrdao leaves it 0 for commands without data. */
  int direction = kMkimgEmuNone;
  switch (h->dxfer_len == 0 ? SG_DXFER_NONE : h->dxfer_direction) {
    case SG_DXFER_NONE:
      direction = kMkimgEmuNone;
      break;
    case SG_DXFER_TO_DEV:
      direction = kMkimgEmuToDevice;
      break;
    case SG_DXFER_FROM_DEV:
    case SG_DXFER_TO_FROM_DEV:
      direction = kMkimgEmuFromDevice;
      break;
    case SG_DXFER_UNKNOWN:
      direction = h->dxfer_len > 0 ? kMkimgEmuFromDevice : kMkimgEmuNone;
      break;
    default:
      errno = EINVAL;
      return -1;
  }
  unsigned length = direction == kMkimgEmuNone ? 0 : h->dxfer_len;
  if (length > 0 && h->dxferp == NULL) {
    errno = EFAULT;
    return -1;
  }
  /* Scatter-gather lists (iovec_count > 0) go through one bounce buffer. */
  unsigned char* bounce = NULL;
  const struct sg_iovec* iov = h->iovec_count > 0 ? h->dxferp : NULL;
  if (iov != NULL && length > 0) {
    bounce = malloc(length);
    if (bounce == NULL) {
      errno = ENOMEM;
      return -1;
    }
    if (direction == kMkimgEmuToDevice) {
      unsigned done = 0;
      for (unsigned i = 0; i < h->iovec_count && done < length; ++i) {
        unsigned n = (unsigned)iov[i].iov_len;
        if (n > length - done) n = length - done;
        memcpy(bounce + done, iov[i].iov_base, n);
        done += n;
      }
    }
  }
  void* data = bounce != NULL ? bounce : h->dxferp;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  struct MkimgEmuResponse response;
  memset(&response, 0, sizeof(response));
  const int err =
      run_cdb(f, h->cmdp, h->cmd_len, direction, data, data, length, h->timeout, &response);
  if (err != 0 && err != ECONNREFUSED && err != EIO) {
    free(bounce);
    errno = err;
    return -1;
  }
  unsigned transferred = 0;
  if (err != 0 || response.transport_error) {
    h->status = 0;
    h->host_status = err != 0 ? kDidNoConnect : kDidError;
  } else {
    h->status = response.scsi_status;
    h->host_status = kDidOk;
    transferred = (unsigned)response.value;
    if (transferred > length) transferred = length;
  }
  if (bounce != NULL && direction == kMkimgEmuFromDevice) {
    unsigned done = 0;
    for (unsigned i = 0; i < h->iovec_count && done < transferred; ++i) {
      unsigned n = (unsigned)iov[i].iov_len;
      if (n > transferred - done) n = transferred - done;
      memcpy(iov[i].iov_base, bounce + done, n);
      done += n;
    }
  }
  free(bounce);
  h->masked_status = (unsigned char)((h->status >> 1) & 0x7f);
  h->msg_status = 0;
  h->sb_len_wr = 0;
  if (h->status == 0x02 && h->sbp != NULL && h->mx_sb_len > 0 && response.sense_length > 0) {
    const unsigned n = response.sense_length < h->mx_sb_len ? response.sense_length : h->mx_sb_len;
    memcpy(h->sbp, response.sense, n);
    h->sb_len_wr = (unsigned char)n;
  }
  h->driver_status = h->status == 0x02 ? kDriverSense : 0;
  h->resid = (int)(length - transferred);
  h->duration = (unsigned)elapsed_ms(&start);
  h->info = (h->flags & SG_FLAG_DIRECT_IO) ? SG_INFO_DIRECT_IO : SG_INFO_INDIRECT_IO;
  if (h->masked_status != 0 || h->host_status != 0 || h->driver_status != 0) {
    h->info |= SG_INFO_CHECK;
  }
  return 0;
}

/* ---- CD-ROM ioctls (drivers/cdrom/cdrom.c) ------------------------------------------ */

/* CDROM_SEND_PACKET (cdrom.c mmc_ioctl_cdrom_send_packet): one 12-byte packet command,
 * libcdio's way of sending MMC commands. CHECK CONDITION fails with EIO and the sense in
 * `sense`, as the kernel does. */
static int send_packet(const struct PreloadFd* f, struct cdrom_generic_command* cgc) {
  if (cgc == NULL) {
    errno = EFAULT;
    return -1;
  }
  int direction = kMkimgEmuNone;
  if (cgc->data_direction == CGC_DATA_WRITE) direction = kMkimgEmuToDevice;
  if (cgc->data_direction == CGC_DATA_READ) direction = kMkimgEmuFromDevice;
  const unsigned length = direction == kMkimgEmuNone ? 0 : cgc->buflen;
  if (length > MKIMG_EMU_MAX_PAYLOAD) {
    errno = ENOMEM;
    return -1;
  }
  if (length > 0 && cgc->buffer == NULL) {
    errno = EFAULT;
    return -1;
  }
  struct MkimgEmuResponse r;
  memset(&r, 0, sizeof(r));
  const int err = run_cdb(f, cgc->cmd, CDROM_PACKET_SIZE, direction, cgc->buffer, cgc->buffer,
                          length, 30000, &r);
  if (err != 0 || r.transport_error) {
    errno = EIO;
    return -1;
  }
  cgc->stat = r.scsi_status;
  if (r.scsi_status != 0) {
    if (cgc->sense != NULL && r.sense_length > 0) {
      const unsigned n =
          r.sense_length < sizeof(*cgc->sense) ? r.sense_length : (unsigned)sizeof(*cgc->sense);
      memset(cgc->sense, 0, sizeof(*cgc->sense));
      memcpy(cgc->sense, r.sense, n);
    }
    errno = EIO;
    return -1;
  }
  return 0;
}

/* CDROM_GET_MCN (sr_ioctl.c sr_get_mcn): READ SUB-CHANNEL, sub-Q format 02h; the 13
 * digits at bytes 9-21. */
static int get_mcn(const struct PreloadFd* f, struct cdrom_mcn* mcn) {
  if (mcn == NULL) {
    errno = EFAULT;
    return -1;
  }
  const unsigned char cdb[10] = {0x42, 0, 0x40, 0x02, 0, 0, 0, 0, 24, 0};
  unsigned char buf[24];
  memset(buf, 0, sizeof(buf));
  struct MkimgEmuResponse r;
  if (driver_cdb(f, cdb, 10, kMkimgEmuFromDevice, buf, sizeof(buf), &r) != 0 || !command_ok(&r)) {
    errno = EIO;
    return -1;
  }
  memcpy(mcn->medium_catalog_number, buf + 9, 13);
  mcn->medium_catalog_number[13] = 0;
  return 0;
}

static int drive_status(const struct PreloadFd* f) {
  const unsigned char tur[6] = {0x00, 0, 0, 0, 0, 0};
  struct MkimgEmuResponse r;
  if (driver_cdb(f, tur, 6, kMkimgEmuNone, NULL, 0, &r) != 0 || r.transport_error) {
    return CDS_NO_INFO;
  }
  if (r.scsi_status == 0) return CDS_DISC_OK;
  unsigned asc, ascq;
  const unsigned key = sense_key(&r, &asc, &ascq);
  if (key == 0x02 && asc == 0x3a) return ascq == 0x02 ? CDS_TRAY_OPEN : CDS_NO_DISC;
  return CDS_DRIVE_NOT_READY;
}

/* READ TOC/PMA/ATIP format 0000b (MMC-5 6.26.2.2): header or one track descriptor. */
static int read_toc(const struct PreloadFd* f, int msf, int track, unsigned char* out,
                    unsigned length) {
  const unsigned char cdb[10] = {0x43,
                                 (unsigned char)(msf ? 0x02 : 0),
                                 0,
                                 0,
                                 0,
                                 0,
                                 (unsigned char)track,
                                 (unsigned char)(length >> 8),
                                 (unsigned char)length,
                                 0};
  struct MkimgEmuResponse r;
  memset(out, 0, length);
  if (driver_cdb(f, cdb, 10, kMkimgEmuFromDevice, out, length, &r) != 0 || !command_ok(&r)) {
    return -1;
  }
  return (int)r.value;
}

static int disc_status(const struct PreloadFd* f) {
  const int status = drive_status(f);
  if (status != CDS_DISC_OK) return status;
  unsigned char toc[12];
  if (read_toc(f, 0, 1, toc, sizeof(toc)) < 12) return CDS_NO_INFO;
  return (toc[5] & 0x04) ? CDS_DATA_1 : CDS_AUDIO;
}

static int simple_cdb(const struct PreloadFd* f, const unsigned char* cdb, unsigned length) {
  struct MkimgEmuResponse r;
  if (driver_cdb(f, cdb, length, kMkimgEmuNone, NULL, 0, &r) != 0 || !command_ok(&r)) {
    errno = EIO;
    return -1;
  }
  return 0;
}

static int capacity(const struct PreloadFd* f, unsigned long long* bytes) {
  struct MkimgEmuRequest request;
  memset(&request, 0, sizeof(request));
  request.magic = MKIMG_EMU_MAGIC;
  request.op = kMkimgEmuCapacity;
  request.token = f->token;
  struct MkimgEmuResponse response;
  if (preload_transact(&request, NULL, 0, &response, NULL, 0) != 0) {
    errno = EIO;
    return -1;
  }
  if (response.error == ENOMEDIUM) {
    *bytes = 0;
    return 0;
  }
  if (response.error != 0) {
    errno = response.error;
    return -1;
  }
  *bytes = (unsigned long long)response.value;
  return 0;
}

static int cdrom_ioctl(const struct PreloadFd* f, unsigned long request, void* arg) {
  switch (request) {
    case CDROM_DRIVE_STATUS:
      return drive_status(f);
    case CDROM_DISC_STATUS:
      return disc_status(f);
    case CDROM_MEDIA_CHANGED:
      return 0;
    case CDROM_SEND_PACKET:
      return send_packet(f, arg);
    case CDROM_GET_MCN:
      return get_mcn(f, arg);
    case CDROM_GET_CAPABILITY:
      return CDC_CLOSE_TRAY | CDC_OPEN_TRAY | CDC_LOCK | CDC_SELECT_SPEED | CDC_MULTI_SESSION |
             CDC_MCN | CDC_MEDIA_CHANGED | CDC_PLAY_AUDIO | CDC_RESET | CDC_DRIVE_STATUS |
             CDC_GENERIC_PACKET | CDC_CD_R | CDC_CD_RW | CDC_DVD | CDC_DVD_R | CDC_DVD_RAM |
             CDC_MRW | CDC_MRW_W | CDC_RAM;
    case CDROM_LOCKDOOR: {
      /* PREVENT ALLOW MEDIUM REMOVAL, MMC-5 6.15 / SPC-4 6.13. */
      const unsigned char cdb[6] = {0x1e, 0, 0, 0, (unsigned char)(arg != NULL ? 1 : 0), 0};
      return simple_cdb(f, cdb, 6);
    }
    case CDROMEJECT: {
      const unsigned char allow[6] = {0x1e, 0, 0, 0, 0, 0};
      const unsigned char eject[6] = {0x1b, 0, 0, 0, 0x02, 0}; /* START STOP UNIT LoEj */
      if (simple_cdb(f, allow, 6) != 0) return -1;
      return simple_cdb(f, eject, 6);
    }
    case CDROMCLOSETRAY: {
      const unsigned char load[6] = {0x1b, 0, 0, 0, 0x03, 0};
      return simple_cdb(f, load, 6);
    }
    case CDROMREADTOCHDR: {
      struct cdrom_tochdr* hdr = arg;
      unsigned char toc[4];
      if (hdr == NULL) {
        errno = EFAULT;
        return -1;
      }
      if (read_toc(f, 0, 0, toc, sizeof(toc)) < 4) {
        errno = EIO;
        return -1;
      }
      hdr->cdth_trk0 = toc[2];
      hdr->cdth_trk1 = toc[3];
      return 0;
    }
    case CDROMREADTOCENTRY: {
      struct cdrom_tocentry* entry = arg;
      unsigned char toc[12];
      if (entry == NULL) {
        errno = EFAULT;
        return -1;
      }
      if (entry->cdte_format != CDROM_MSF && entry->cdte_format != CDROM_LBA) {
        errno = EINVAL;
        return -1;
      }
      const int msf = entry->cdte_format == CDROM_MSF;
      if (read_toc(f, msf, entry->cdte_track, toc, sizeof(toc)) < 12) {
        errno = EIO;
        return -1;
      }
      entry->cdte_adr = (unsigned char)(toc[5] >> 4) & 0x0f;
      entry->cdte_ctrl = toc[5] & 0x0f;
      if (msf) {
        entry->cdte_addr.msf.minute = toc[9];
        entry->cdte_addr.msf.second = toc[10];
        entry->cdte_addr.msf.frame = toc[11];
      } else {
        entry->cdte_addr.lba = (int)(((unsigned)toc[8] << 24) | ((unsigned)toc[9] << 16) |
                                     ((unsigned)toc[10] << 8) | toc[11]);
      }
      entry->cdte_datamode = (toc[5] & 0x04) ? 1 : 0;
      return 0;
    }
    default:
      errno = ENOTTY;
      return -1;
  }
}

/* ---- block ioctls (block/ioctl.c) --------------------------------------------------- */

static int block_ioctl(const struct PreloadFd* f, unsigned long request, void* arg) {
  unsigned long long bytes = 0;
  switch (request) {
    case BLKGETSIZE64:
      if (capacity(f, &bytes) != 0) return -1;
      *(unsigned long long*)arg = bytes;
      return 0;
    case BLKGETSIZE:
      if (capacity(f, &bytes) != 0) return -1;
      *(unsigned long*)arg = (unsigned long)(bytes >> 9);
      return 0;
    case BLKSSZGET:
    case BLKBSZGET:
      *(int*)arg = 2048;
      return 0;
    case BLKPBSZGET:
    case BLKIOMIN:
      *(unsigned int*)arg = 2048;
      return 0;
    case BLKIOOPT:
      *(unsigned int*)arg = 0;
      return 0;
    case BLKSECTGET:
      *(unsigned short*)arg = kMaxReserved / 512;
      return 0;
    case BLKROGET:
      *(int*)arg = 0;
      return 0;
    case BLKFLSBUF:
      return 0;
    case BLKRRPART:
      errno = EINVAL; /* a CD-ROM has no partition table to re-read */
      return -1;
    default:
      return cdrom_ioctl(f, request, arg);
  }
}

/* ---- SCSI and sg ioctls (block/scsi_ioctl.c, drivers/scsi/sg.c) --------------------- */

int preload_fake_ioctl(int fd, const struct PreloadFd* f, unsigned long request, void* arg) {
  const struct ScsiAddress a = address_of(f->drive);
  const int generic = f->node == kMkimgEmuNodeGeneric;
  switch (request) {
    case SG_IO:
      return sg_io(f, arg);
    case SG_GET_VERSION_NUM:
      *(int*)arg = 30536;
      return 0;
    case SCSI_IOCTL_GET_IDLUN: {
      int* idlun = arg; /* struct scsi_idlun { int dev_id; int host_unique_id; } */
      idlun[0] = (a.target & 0xff) | ((a.lun & 0xff) << 8) | ((a.channel & 0xff) << 16) |
                 ((a.host & 0xff) << 24);
      idlun[1] = a.host;
      return 0;
    }
    case SCSI_IOCTL_GET_BUS_NUMBER:
      *(int*)arg = a.host;
      return 0;
    case SCSI_IOCTL_PROBE_HOST: {
      /* The buffer's first int is its length; the host's name is copied over it. */
      static const char kName[] = "mkimg virtual SCSI host";
      unsigned length = *(unsigned*)arg;
      if (length > sizeof(kName)) length = sizeof(kName);
      memcpy(arg, kName, length);
      return 1;
    }
    case SG_SET_TIMEOUT: {
      const int value = *(int*)arg;
      if (value < 0) {
        errno = EIO;
        return -1;
      }
      __atomic_store_n(preload_sg_timeout(fd), value, __ATOMIC_RELAXED);
      return 0;
    }
    case SG_GET_TIMEOUT:
      return __atomic_load_n(preload_sg_timeout(fd), __ATOMIC_RELAXED);
    case SG_GET_RESERVED_SIZE:
      *(int*)arg = __atomic_load_n(preload_sg_reserved(fd), __ATOMIC_RELAXED);
      return 0;
    case SG_SET_RESERVED_SIZE: {
      int value = *(int*)arg;
      if (value < 0) {
        errno = EINVAL;
        return -1;
      }
      if (value > kMaxReserved) value = kMaxReserved;
      __atomic_store_n(preload_sg_reserved(fd), value, __ATOMIC_RELAXED);
      return 0;
    }
    case SG_EMULATED_HOST:
      *(int*)arg = 0;
      return 0;
    default:
      break;
  }
  if (!generic) return block_ioctl(f, request, arg);
  switch (request) {
    case SG_GET_SCSI_ID: {
      struct sg_scsi_id* id = arg;
      memset(id, 0, sizeof(*id));
      id->host_no = a.host;
      id->channel = a.channel;
      id->scsi_id = a.target;
      id->lun = a.lun;
      id->scsi_type = TYPE_ROM;
      id->h_cmd_per_lun = 1;
      id->d_queue_depth = 1;
      return 0;
    }
    case SG_SCSI_RESET:
      return 0;
    case SG_GET_SG_TABLESIZE:
      *(int*)arg = 128;
      return 0;
    case SG_GET_COMMAND_Q:
    case SG_GET_PACK_ID:
    case SG_GET_NUM_WAITING:
    case SG_GET_LOW_DMA:
    case SG_GET_KEEP_ORPHAN:
      *(int*)arg = request == SG_GET_PACK_ID ? -1 : 0;
      return 0;
    case SG_SET_COMMAND_Q:
    case SG_SET_FORCE_PACK_ID:
    case SG_SET_KEEP_ORPHAN:
    case SG_SET_DEBUG:
      return 0;
    case SG_GET_ACCESS_COUNT:
      *(int*)arg = 1;
      return 0;
    default:
      errno = EINVAL; /* sg.c hands unknown requests to scsi_ioctl(): -EINVAL */
      return -1;
  }
}

int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  struct PreloadFd f;
  if (!preload_lookup(fd, &f)) return real_ioctl()(fd, request, arg);
  switch (request) {
    case FIONBIO:
    case FIOASYNC:
    case FIOCLEX:
    case FIONCLEX:
      return real_ioctl()(fd, request, arg); /* fs/ioctl.c: the same for every file */
    default:
      return preload_fake_ioctl(fd, &f, request, arg);
  }
}
