// Builds the system use area of one directory record (SUSP 1.12 sections 4-5, RRIP 1.12
// section 4): encoders for the SUSP entries SP, ER, CE and the RRIP entries PX, PN, TF, NM, SL,
// CL, PL, RE, and the packing that keeps a record within 255 bytes by moving the entries
// that do not fit into continuation areas (SUSP 5.1), each within one logical block.
//
// Use: Clear(), Add*() in order, Pack(available), then place the pieces
// (piece_length(i)) with a ContinuationAllocator and encode the inline part and each piece.
// The same sequence runs in the planner (for sizes) and the emitter (for bytes), so the
// two agree by construction.
#ifndef MKIMG_FS_ROCKRIDGE_SYSTEM_USE_H_
#define MKIMG_FS_ROCKRIDGE_SYSTEM_USE_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "fs/tree.h"

namespace fs::rockridge {

// Where a continuation area lies: SUSP 5.1 CE BP 5-12 (block), 13-20 (offset).
struct ContinuationLocation {
  std::uint32_t block = 0;
  std::uint32_t offset = 0;
};

// Hands out continuation areas inside consecutive blocks starting at `first_block`; an
// area never crosses a block boundary.
class ContinuationAllocator {
 public:
  explicit ContinuationAllocator(std::uint32_t first_block) : first_block_(first_block) {}
  ContinuationLocation Allocate(std::uint32_t length);
  // Blocks touched so far.
  std::uint32_t blocks() const { return blocks_; }

 private:
  std::uint32_t first_block_;
  std::uint32_t blocks_ = 0;
  std::uint32_t offset_ = 0;
};

class SystemUseArea {
 public:
  void Clear();

  void AddSp();  // SUSP 5.3
  void AddEr();  // SUSP 5.5, RRIP_1991A
  void AddPx(std::uint32_t mode, std::uint32_t links, std::uint32_t uid, std::uint32_t gid,
             std::uint32_t serial);  // RRIP 4.1.1
  // RRIP 4.1.2: the device number (EncodeDeviceNumber).
  void AddPn(std::uint32_t major, std::uint32_t minor);
  void AddTf(const Timestamp& time);     // RRIP 4.1.6: modify, access, attributes
  void AddNm(std::string_view name);     // RRIP 4.1.4, split across entries
  void AddSl(std::string_view target);   // RRIP 4.1.3, split across entries
  void AddCl(std::uint32_t child_lba);   // RRIP 4.1.5.1
  void AddPl(std::uint32_t parent_lba);  // RRIP 4.1.5.2
  void AddRe();                          // RRIP 4.1.5.3

  std::size_t entry_count() const { return ends_.size(); }
  std::span<const std::uint8_t> entry(std::size_t i) const;
  std::size_t total_length() const { return bytes_.size(); }

  // Decides which entries stay in the record, given the bytes the record has left
  // (at most 255 minus its fixed part and identifier).
  void Pack(std::size_t available);
  // Bytes the record holds (its inline entries, plus a CE entry if there are pieces).
  std::size_t inline_length() const { return inline_length_; }
  std::size_t piece_count() const { return pieces_.size(); }
  // Bytes of continuation piece i, including the CE entry that chains to piece i+1.
  std::uint32_t piece_length(std::size_t i) const { return pieces_[i].length; }

  // Appends the inline part; `first_piece` is where piece 0 was placed (ignored without
  // pieces).
  void EncodeInline(ContinuationLocation first_piece, std::vector<std::uint8_t>* out) const;
  // Appends piece i; `next` is where piece i+1 was placed (ignored for the last piece).
  void EncodePiece(std::size_t i, ContinuationLocation next, std::vector<std::uint8_t>* out) const;

  // SUSP 5.1: a CE entry.
  static void AppendCe(ContinuationLocation where, std::uint32_t length,
                       std::vector<std::uint8_t>* out);

 private:
  struct Piece {
    std::size_t first_entry;
    std::size_t end_entry;
    std::uint32_t length;
  };
  std::uint8_t* NewEntry(const char* signature, std::size_t length);
  void AppendEntries(std::size_t first, std::size_t end, std::vector<std::uint8_t>* out) const;

  std::vector<std::uint8_t> bytes_;
  std::vector<std::size_t> ends_;  // end offset of each entry in bytes_
  std::size_t inline_entries_ = 0;
  std::size_t inline_length_ = 0;
  std::vector<Piece> pieces_;
};

}  // namespace fs::rockridge

#endif  // MKIMG_FS_ROCKRIDGE_SYSTEM_USE_H_
