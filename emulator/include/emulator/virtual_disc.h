// A persistent virtual disc: one recordable medium (base/media.h names all thirteen) with
// its recording state (sessions, tracks, next writable address, formatting, finalization)
// and its sectors, kept in a crash-safe, chunked, sparse, zstd-compressed store
// (specs/emulator.md §3 gives the file format). The recording rules follow MMC-6
// (T10/1836-D rev. 2g) §4 per profile; the state is reported the way READ DISC INFORMATION
// (MMC-5 6.22) and READ TRACK INFORMATION (6.27) describe it.
//
// Thread safety: a VirtualDisc is not internally synchronized. While it is loaded in a
// Drive, only that Drive touches it (the Drive serializes its commands); otherwise one
// thread at a time may use it.
#ifndef MKIMG_EMULATOR_VIRTUAL_DISC_H_
#define MKIMG_EMULATOR_VIRTUAL_DISC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/media.h"

namespace emulator {

// What READ DISC INFORMATION calls the disc status (MMC-5 6.22.3.1.4), plus whether a
// rewritable medium carries a format ("formatted" is disc status 11b, random writable).
enum class DiscState : std::uint8_t {
  kBlank,       // empty: nothing recorded, no format
  kAppendable,  // incomplete: the last session is open or another may be added
  kComplete,    // finalized: no further writing
  kFormatted,   // random-writable (DVD+RW, DVD-RAM, formatted DVD-RW / BD-RE / BD-R SRM+POW)
};

// The data form of a track (MMC-5 6.27.3 Track Mode and Data Mode).
enum class TrackMode : std::uint8_t {
  kData,   // mode 1 (CD) or DVD/BD user data: 2048-byte sectors
  kMode2,  // CD mode 2 (XA forms): 2336 or 2048+header bytes
  kAudio,  // CD-DA: 2352-byte sectors
};

enum class TrackState : std::uint8_t {
  kInvisible,   // the open track at the end of the disc (blank or partially written)
  kReserved,    // reserved by RESERVE TRACK, not yet (fully) written
  kIncomplete,  // written but not closed
  kComplete,    // closed
};

struct TrackSummary {
  std::uint32_t number = 0;   // logical track number, 1-based
  std::uint32_t session = 0;  // session number, 1-based
  std::int32_t start_lba = 0;
  std::uint32_t size = 0;                     // sectors the track occupies (reserved or written)
  std::uint32_t recorded = 0;                 // sectors written so far
  std::optional<std::int32_t> next_writable;  // NWA, when the track accepts writes
  TrackMode mode = TrackMode::kData;
  TrackState state = TrackState::kInvisible;
  std::uint32_t block_size = 2048;  // bytes per sector as the host wrote them
};

struct SessionSummary {
  std::uint32_t number = 0;
  std::uint32_t first_track = 0;
  std::uint32_t last_track = 0;
  bool closed = false;
};

// Faults the drive injects while this disc is loaded (persisted with the disc, so an
// `mkimg emu run` burn sees them too). Each is off when unset.
struct Faults {
  // A WRITE whose range covers this LBA fails with MEDIUM ERROR 03/0C/00 (write error);
  // nothing of that command is recorded.
  std::optional<std::int32_t> write_error_lba;
  // Power is lost after this many successful WRITE commands: the drive stops answering
  // (every command then ends with a transport error) and nothing after the last commit
  // survives; reopening the file yields the last committed, consistent disc.
  std::optional<std::uint64_t> power_loss_after_writes;
  // Slow medium: every WRITE or READ command takes at least this long.
  std::uint32_t slow_ms_per_command = 0;
  // The medium is pulled out of the drive after this many WRITE commands: the next
  // command gets UNIT ATTENTION 06/28/00 and then NOT READY 02/3A/00 (medium not present).
  std::optional<std::uint64_t> remove_after_writes;
  // A wrong medium: the drive cannot record this disc (a foreign or damaged blank). It is
  // reported and readable, but every write, format, blank or reserve fails with
  // 05/30/05 (cannot write medium, incompatible format).
  bool wrong_medium = false;

  bool any() const {
    return write_error_lba || power_loss_after_writes || slow_ms_per_command != 0 ||
           remove_after_writes || wrong_medium;
  }
};

struct DiscSummary {
  base::MediaType media = base::MediaType::kCdR;
  DiscState state = DiscState::kBlank;
  // Background-format status of DVD+RW / BD-RE (MMC-5 6.22.3.1, BG Format Status):
  // 0 none, 1 started but suspended, 2 in progress, 3 complete.
  std::uint8_t background_format = 0;
  std::uint32_t capacity_sectors = 0;        // user-data capacity of the medium (or its format)
  std::uint32_t free_sectors = 0;            // still writable
  std::optional<std::uint32_t> layer_break;  // DL media: sectors on layer 0
  std::vector<SessionSummary> sessions;
  std::vector<TrackSummary> tracks;
  Faults faults;
};

class DiscImpl;

class VirtualDisc {
 public:
  // Creates a blank disc of `media` in a new store file at `path`. Fails (kIo) if `path`
  // already exists or cannot be written; the file is complete and committed on success.
  static base::Expected<std::unique_ptr<VirtualDisc>> Create(base::MediaType media,
                                                             const std::string& path);
  // Creates a blank disc whose store lives in memory only (tests, benchmarks). Commit()
  // succeeds and keeps nothing.
  static std::unique_ptr<VirtualDisc> CreateInMemory(base::MediaType media);
  // Opens an existing store file. Returns kCorruptImage if neither header copy is valid,
  // kIo on host errors. The disc is the last state that was committed.
  static base::Expected<std::unique_ptr<VirtualDisc>> Open(const std::string& path);

  ~VirtualDisc();
  VirtualDisc(const VirtualDisc&) = delete;
  VirtualDisc& operator=(const VirtualDisc&) = delete;

  base::MediaType media() const;
  // The store file ("" for an in-memory disc).
  const std::string& path() const;
  DiscSummary Summary() const;

  const Faults& faults() const;
  // Replaces the fault set; it becomes durable with the next Commit().
  void set_faults(const Faults& faults);

  // Makes every write so far durable: chunk data first, then the chunk table and the
  // recording state in one atomic header switch. Returns kIo on host errors (the previous
  // committed state then remains valid).
  base::Status Commit();

  // Reads `count` user-data sectors (2048 bytes each) starting at `lba` into `out`
  // (size >= count * 2048). Unwritten sectors read as zeros and are reported in
  // `*unwritten` (optional). Returns kInvalidInput for a range outside the medium.
  base::Status ReadUserData(std::int32_t lba, std::uint32_t count, std::span<std::uint8_t> out,
                            std::vector<bool>* unwritten = nullptr) const;
  // Reads the 2352-byte main channel of `count` CD sectors from `lba` into `out` (size >=
  // count * 2352), as recorded: audio samples in the byte order the host wrote them (the
  // order of READ CD and of a .bin image). kInvalidInput for a medium other than a CD or a
  // range outside it; unwritten sectors read as zeros.
  base::Status ReadMainChannel(std::int32_t lba, std::uint32_t count,
                               std::span<std::uint8_t> out) const;
  // The sectors a reader of the disc sees as its image: the end of the last data track
  // with recorded data (or of the written area of a random-writable medium).
  std::uint32_t ReadableSectors() const;
  // True when the store has any recorded data in [lba, lba + count).
  bool HasData(std::int32_t lba, std::uint32_t count) const;
  // Bytes of host storage the store occupies (allocated file blocks, or chunk memory).
  std::uint64_t StorageBytes() const;

  // For emulator::Drive only.
  DiscImpl& impl() { return *impl_; }
  const DiscImpl& impl() const { return *impl_; }

 private:
  explicit VirtualDisc(std::unique_ptr<DiscImpl> impl);
  std::unique_ptr<DiscImpl> impl_;
};

// Names used by `mkimg emu info` and specs/emulator.md.
const char* DiscStateName(DiscState state);
const char* TrackModeName(TrackMode mode);
const char* TrackStateName(TrackState state);

}  // namespace emulator

#endif  // MKIMG_EMULATOR_VIRTUAL_DISC_H_
