// The recording model behind VirtualDisc: sessions, tracks, formatting state and the
// sector store, with the per-medium rules of MMC-5 §4.3 (CD), §4.4–4.5 (DVD±R/RW, DVD-RAM)
// and §4.6 (BD), and the persistent encoding of that state (specs/emulator.md §3.3).
// Addresses are LBAs; CD sectors are kept whole (2352 bytes of main channel plus 96 of
// sub-channel) so READ CD returns what was written.
#ifndef MKIMG_EMULATOR_DISC_IMPL_H_
#define MKIMG_EMULATOR_DISC_IMPL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/media.h"
#include "emulator/virtual_disc.h"
#include "sector_store.h"

namespace emulator {

// CD geometry (ECMA-130 / IEC 60908; MMC-5 §4.3).
inline constexpr std::int32_t kCdLeadInStart = -11634;  // ATIP lead-in 97:26:66
inline constexpr std::uint32_t kCdSlotBytes = 2448;     // 2352 main + 96 sub-channel
inline constexpr std::uint32_t kCdSubOffset = 2352;
inline constexpr std::uint32_t kCdLeadOutFirst = 6750;  // first session lead-out
inline constexpr std::uint32_t kCdLeadOutNext = 2250;   // later lead-outs
inline constexpr std::uint32_t kCdLeadIn = 4500;
inline constexpr std::uint32_t kCdPregap = 150;
inline constexpr std::uint32_t kCdTaoRunOut = 2;

struct Track {
  std::uint32_t session = 1;
  std::int32_t start = 0;
  std::uint32_t size = 0;      // reserved size (kReserved), final size (kComplete), else 0
  std::uint32_t recorded = 0;  // sectors written from `start`
  TrackMode mode = TrackMode::kData;
  TrackState state = TrackState::kInvisible;
  std::uint32_t block_size = 2048;  // host bytes per sector
  std::uint8_t write_type = 1;      // page 05h write type the track was written with
  std::uint8_t control = 4;         // CD Q control nibble (4 = data, 0 = audio)
};

// Page 05h (MMC-5 7.5) as last selected; not persistent (a drive resets it on power on).
struct WriteParameters {
  std::uint8_t write_type = 1;  // 0 packet/incremental, 1 TAO, 2 SAO/DAO, 3 RAW
  bool test_write = false;
  std::uint8_t multisession = 0;  // 00b: next session not allowed, 11b: allowed
  std::uint8_t track_mode = 4;
  std::uint8_t data_block_type = 8;
  bool fixed_packet = false;
  std::uint32_t packet_size = 16;
  std::uint8_t session_format = 0;
  std::uint8_t link_size = 0;
  bool ls_v = false;
  bool bufe = false;
  std::string catalog;  // bytes 16-31: the media catalog number when MCVAL is set
  std::string isrc;     // bytes 32-47: the track's ISRC when TCVAL is set
};

// How the drive frames a CD sector the host sent cooked (data block types 8 and 10): the
// sector is stored as it arrived, user data in place, and the drive adds sync, header, EDC
// and P/Q ECC (ECMA-130 14, Annex A) when the sector is read whole (specs/emulator.md §2).
enum class CdFraming : std::uint8_t { kAsStored = 0, kMode1 = 1, kMode2Form1 = 2 };

// One entry of a SEND CUE SHEET (MMC-5 6.33.3.1), 8 bytes.
struct CueEntry {
  std::uint8_t ctl_adr = 0;
  std::uint8_t track = 0;
  std::uint8_t index = 0;
  std::uint8_t data_form = 0;
  std::uint8_t scms = 0;
  std::int32_t lba = 0;  // from the absolute MSF
};

class DiscImpl {
 public:
  DiscImpl(base::MediaType media, std::unique_ptr<SectorStore> store, std::string path);

  // A blank medium of `media` with the store sized for it.
  static std::uint64_t StoreBytes(base::MediaType media);
  void ResetBlank();

  // --- persistence (specs/emulator.md §3.3)
  std::vector<std::uint8_t> Encode() const;
  base::Status Decode(std::span<const std::uint8_t> blob);
  base::Status Commit();
  void Abandon();

  // --- geometry
  const base::MediaInfo& info() const { return base::GetMediaInfo(media_); }
  base::MediaType media() const { return media_; }
  bool is_cd() const { return info().family == base::MediaFamily::kCd; }
  bool is_bd() const { return info().family == base::MediaFamily::kBd; }
  // The MMC profile the medium presents now (DVD-RW switches with its format).
  std::uint16_t CurrentProfile() const;
  // Random-writable now (DVD-RAM; formatted DVD+RW, BD-RE, DVD-RW restricted overwrite).
  bool random_access() const;
  // Needs FORMAT UNIT before writing (DVD+RW, BD-RE; DVD-RAM is sold formatted).
  bool NeedsFormat() const;
  // User capacity in sectors (the formatted size for formatted media).
  std::uint32_t Capacity() const;
  // The last LBA a sequential write may reach + 1.
  std::int32_t WritableEnd() const;
  std::uint32_t alignment() const;   // sectors per ECC block / cluster for track starts
  std::uint32_t SessionGap() const;  // lead-out + lead-in + pregap between sessions
  std::uint32_t TrackGap() const;    // run-out + pre-gap between TAO tracks

  // --- state
  DiscState State() const;
  std::uint32_t SessionCount() const;  // including the open (possibly empty) one
  bool LastSessionEmpty() const;
  Track* InvisibleTrack();
  const Track* InvisibleTrack() const;
  // The writable track whose NWA is `lba` (nullptr if none).
  Track* TrackForWrite(std::int32_t lba);
  // The track holding `lba` (recorded or reserved area), or nullptr.
  const Track* TrackAt(std::int32_t lba) const;
  std::optional<std::int32_t> NextWritable(const Track& t) const;
  std::uint32_t FreeSectors() const;
  std::uint32_t ReadableEnd() const;
  DiscSummary Summary() const;

  // --- recording operations; each returns a sense triple on failure (key<<16|asc<<8|ascq)
  // or 0 on success.
  std::uint32_t Reserve(std::uint32_t sectors);
  std::uint32_t CloseTrack(std::uint32_t number);
  std::uint32_t CloseSession(bool finalize);
  std::uint32_t Format(std::uint8_t format_type, std::uint32_t blocks);
  std::uint32_t Blank(std::uint8_t type);
  void OpenNextTrack();  // appends the invisible track after the last one
  void RecordRandom(std::int32_t lba, std::uint32_t count);

  // --- sector I/O: slot = 2048 bytes (DVD/BD) or 2448 (CD), addressed from base_lba().
  std::uint32_t slot_bytes() const { return is_cd() ? kCdSlotBytes : 2048; }
  std::int32_t base_lba() const { return is_cd() ? kCdLeadInStart : 0; }
  std::uint64_t SlotOffset(std::int32_t lba) const {
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(lba) - base_lba()) * slot_bytes();
  }
  bool InStore(std::int32_t lba, std::uint32_t count) const;
  // Reads 2048 bytes of user data of `lba` (CD: mode 1 / mode 2 form 1 data at byte 16
  // or 24 of the sector).
  base::Status ReadUser(std::int32_t lba, std::uint32_t count, std::uint8_t* out);
  // Sets how the CD sectors [lba, lba + count) are framed when read whole; the range is
  // in the store (InStore).
  void SetFraming(std::int32_t lba, std::uint32_t count, CdFraming framing);
  CdFraming FramingAt(std::int32_t lba) const;
  // The whole slot of `lba` (CD: 2448 bytes) as a reader of the disc sees it: with the
  // framing the drive owes. The store's own copy of a cooked sector holds its user data
  // and sub-channel only; read it directly only for those.
  base::Status ReadSlot(std::int32_t lba, std::span<std::uint8_t> slot);
  SectorStore& store() { return *store_; }
  const SectorStore& store() const { return *store_; }
  const std::string& path() const { return path_; }

  // Persistent state (the Drive edits it under its rules).
  bool formatted_ = false;
  std::uint8_t bg_format_ = 0;
  std::uint32_t format_capacity_ = 0;
  bool finalized_ = false;
  bool next_session_allowed_ = true;
  std::uint32_t closed_sessions_ = 0;
  std::vector<Track> tracks_;
  std::optional<std::uint32_t> layer_break_;
  std::uint32_t random_end_ = 0;  // random media: highest written LBA + 1
  Faults faults_;

  // Transient drive-side state.
  WriteParameters params_;
  std::vector<CueEntry> cue_;
  // The cue sheet's catalog number (ADR 2) and ISRCs by track number (ADR 3), MMC-5
  // 6.33.3.3-4; the drive records them in Q modes 2 and 3 of the program area.
  std::string cue_catalog_;
  std::array<std::string, 100> cue_isrc_{};
  bool dead_ = false;  // power lost

 private:
  base::MediaType media_;
  std::unique_ptr<SectorStore> store_;
  std::string path_;
  // CdFraming per CD slot from base_lba(); empty while every sector is kept as stored.
  std::vector<std::uint8_t> framing_;
};

// Encodes a sense triple.
constexpr std::uint32_t Sense(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
  return (std::uint32_t{key} << 16) | (std::uint32_t{asc} << 8) | ascq;
}

}  // namespace emulator

#endif  // MKIMG_EMULATOR_DISC_IMPL_H_
