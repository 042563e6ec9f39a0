// A structure-aware mutator for disc images and their parts (specs/fuzzing.md). It finds
// the structures the shared codecs describe in an input — ECMA-167 / UDF descriptor tags
// and what follows them (partition maps, file entries, allocation descriptors, file
// identifiers), ECMA-119 volume descriptors and directory records, SUSP / Rock Ridge
// entries (CE chains followed), El Torito catalogs — and mutates fields (lengths,
// locations, counts, flags), records (duplicated, deleted, swapped, replaced),
// descriptor bodies and the input's length, then recomputes every UDF tag checksum and
// CRC (ECMA-167 3/7.2) and the El Torito validation checksum (El Torito 2.1) so that a
// reader gets past them. What it cannot parse it hands to a byte mutator.
//
// fuzz/mutator/libfuzzer_hooks.cc wraps it as LLVMFuzzerCustomMutator and
// LLVMFuzzerCustomCrossOver; linking the mkimg_fuzz_mutator library into a libFuzzer
// target is all it takes (specs/fuzzing.md: pointing it at another parser).
#ifndef MKIMG_FUZZ_MUTATOR_STRUCTURE_MUTATOR_H_
#define MKIMG_FUZZ_MUTATOR_STRUCTURE_MUTATOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace fuzz::mutator {

// What a field means to a reader: how the mutator picks its new values.
enum class Role : std::uint8_t { kLength, kLocation, kCount, kFlags };
// How a field is stored: little-endian, ECMA-119 7.2.3 / 7.3.3 both-byte order (the
// little-endian half first, `width` counting one half), or big-endian.
enum class Order : std::uint8_t { kLe, kBoth, kBe };

struct Field {
  std::size_t offset = 0;
  std::uint8_t width = 0;  // 1, 2, 4 or 8 bytes
  Order order = Order::kLe;
  Role role = Role::kLength;
};

enum class RecordKind : std::uint8_t {
  kUdfDescriptor,
  kUdfFileIdentifier,
  kUdfAllocationDescriptor,
  kIsoDirectoryRecord,
  kSuspEntry,
  kBootCatalogEntry,
};

// A record inside a container (a block, a directory sector, a System Use area, an
// allocation descriptor area): records are moved only inside their container.
struct Record {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::size_t container_end = 0;
  RecordKind kind = RecordKind::kUdfDescriptor;
};

struct Layout {
  std::size_t block_size = 2048;  // 512 when a UDF anchor says so
  std::vector<Field> fields;
  std::vector<Record> records;
  std::vector<std::size_t> udf_tags;       // offsets of descriptors with a valid tag
  std::vector<std::size_t> boot_catalogs;  // offsets of El Torito validation entries
  bool empty() const { return fields.empty() && records.empty() && udf_tags.empty(); }
};

// Finds the structures of `data`; bounded work for any input (at most a few passes over
// it), never reads past it.
Layout Parse(std::span<const std::uint8_t> data);

// Recomputes the checksum and CRC of every UDF tag of `layout` (the CRC when its CRC
// length fits in the input) and every El Torito validation entry checksum.
void Refinish(std::span<std::uint8_t> data, const Layout& layout);

// The byte mutator used for unparsed inputs and descriptor bodies: libFuzzer's
// LLVMFuzzerMutate shape (data, size, max_size) -> new size.
using ByteMutator = std::function<std::size_t(std::uint8_t*, std::size_t, std::size_t)>;

// Mutates data[0, size) in place (at most max_size bytes), deterministically from
// `seed`; returns the new size (>= 1 when size >= 1).
std::size_t Mutate(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                   const ByteMutator& bytes);

// Writes into `out` (max_out bytes) a mix of the two inputs: one record of the second
// replacing a record of the same kind in the first, or the first's leading blocks and the
// second's trailing ones. Returns the size written.
std::size_t CrossOver(std::span<const std::uint8_t> data1, std::span<const std::uint8_t> data2,
                      std::uint8_t* out, std::size_t max_out, unsigned seed);

}  // namespace fuzz::mutator

#endif  // MKIMG_FUZZ_MUTATOR_STRUCTURE_MUTATOR_H_
