// The structure-aware mutator (specs/fuzzing.md) on seeds made by mkudffs, genisoimage
// and xorriso (fuzz/corpus/): it finds their structures, its mutations keep every UDF tag
// valid as ECMA-167 3/7.2 checks it (udf::CheckTag, the reader's own check), the El
// Torito validation checksum holds, and the same seed gives the same bytes.
#include "fuzz/mutator/structure_mutator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "udf/udf_format.h"

namespace fuzz::mutator {
namespace {

std::vector<std::uint8_t> Seed(const std::string& name) {
  std::ifstream in(std::string(MKIMG_SOURCE_DIR) + "/fuzz/corpus/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A stand-in for LLVMFuzzerMutate: overwrites a few random bytes.
std::size_t Scribble(std::uint8_t* data, std::size_t size, std::size_t, unsigned seed) {
  std::minstd_rand rng(seed);
  for (int i = 0; i < 4 && size > 0; ++i) data[rng() % size] = static_cast<std::uint8_t>(rng());
  return size;
}

bool AllTagsValid(const std::vector<std::uint8_t>& data, const Layout& original,
                  std::size_t block_size) {
  for (std::size_t off : original.udf_tags) {
    if (off + 512 > data.size()) continue;
    const std::uint32_t location = base::LoadLe32(data.data() + off + 12);
    std::vector<std::string> crc_warnings;
    auto ok =
        fs::udf::CheckTag(std::span(data.data() + off, std::min(block_size, data.size() - off)),
                          location, "test", &crc_warnings);
    if (!ok || !crc_warnings.empty()) return false;
  }
  return true;
}

TEST(StructureMutator, FindsUdfStructures) {
  const auto image = Seed("udf_fuzzer/mkudffs-201-512");
  ASSERT_GT(image.size(), 257u * 512);
  const Layout layout = Parse(image);
  EXPECT_EQ(layout.block_size, 512u);
  // mkudffs writes an anchor, the main and reserve sequences (PVD, IUVD, PD, LVD, USD,
  // TD), an LVID, the FSD, the root's file entry and its FIDs.
  EXPECT_GE(layout.udf_tags.size(), 14u);
  const auto count = [&](RecordKind kind) {
    return std::count_if(layout.records.begin(), layout.records.end(),
                         [&](const Record& r) { return r.kind == kind; });
  };
  EXPECT_GT(count(RecordKind::kUdfDescriptor), 10);
  EXPECT_GT(count(RecordKind::kUdfFileIdentifier), 0);
  EXPECT_GT(count(RecordKind::kUdfAllocationDescriptor), 0);
  // The anchor at block 256: its main sequence extent is a length and a location field.
  const bool has_anchor_extent = std::any_of(
      layout.fields.begin(), layout.fields.end(),
      [](const Field& f) { return f.offset == 256 * 512 + 20 && f.role == Role::kLocation; });
  EXPECT_TRUE(has_anchor_extent);
}

TEST(StructureMutator, MutationsKeepTagsValidAndChangeStructures) {
  const auto image = Seed("udf_fuzzer/mkudffs-vat-201-512");
  const Layout layout = Parse(image);
  ASSERT_FALSE(layout.udf_tags.empty());
  ASSERT_TRUE(AllTagsValid(image, layout, 512));
  int valid = 0, changed = 0, changed_in_descriptors = 0;
  for (unsigned seed = 0; seed < 300; ++seed) {
    std::vector<std::uint8_t> data = image;
    const ByteMutator bytes = [seed](std::uint8_t* d, std::size_t s, std::size_t m) {
      return Scribble(d, s, m, seed);
    };
    const std::size_t size = Mutate(data.data(), data.size(), data.size(), seed, bytes);
    data.resize(size);
    if (data != image) ++changed;
    if (AllTagsValid(data, layout, 512)) ++valid;
    for (std::size_t off : layout.udf_tags) {
      if (off + 512 <= size && !std::equal(data.begin() + static_cast<std::ptrdiff_t>(off) + 16,
                                           data.begin() + static_cast<std::ptrdiff_t>(off) + 512,
                                           image.begin() + static_cast<std::ptrdiff_t>(off) + 16)) {
        ++changed_in_descriptors;
        break;
      }
    }
  }
  EXPECT_GT(changed, 270);
  // One mutation in 32 keeps a broken tag on purpose; the rest pass the reader's check.
  EXPECT_GT(valid, 260);
  EXPECT_LT(valid, 300);
  EXPECT_GT(changed_in_descriptors, 150);
}

TEST(StructureMutator, SameSeedSameBytes) {
  const auto image = Seed("image_reader_fuzzer/xorriso-rr-joliet");
  const ByteMutator bytes = [](std::uint8_t* d, std::size_t s, std::size_t m) {
    return Scribble(d, s, m, 7);
  };
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::vector<std::uint8_t> a = image, b = image;
    a.resize(Mutate(a.data(), a.size(), a.size(), seed, bytes));
    b.resize(Mutate(b.data(), b.size(), b.size(), seed, bytes));
    EXPECT_EQ(a, b) << seed;
  }
}

TEST(StructureMutator, FindsIsoRecordsAndRockRidgeEntries) {
  const Layout layout = Parse(Seed("image_reader_fuzzer/genisoimage-rr-joliet"));
  const auto count = [&](RecordKind kind) {
    return std::count_if(layout.records.begin(), layout.records.end(),
                         [&](const Record& r) { return r.kind == kind; });
  };
  // 14 folders and files, each in the ISO 9660 and the Joliet hierarchy, with . and ..
  EXPECT_GT(count(RecordKind::kIsoDirectoryRecord), 30);
  EXPECT_GT(count(RecordKind::kSuspEntry), 40);
  EXPECT_TRUE(std::any_of(layout.fields.begin(), layout.fields.end(),
                          [](const Field& f) { return f.order == Order::kBoth; }));
}

TEST(StructureMutator, FollowsContinuationAreas) {
  // A System Use area as susp_fuzzer lays it out: a CE to block 1, offset 8, where an NM
  // entry waits (SUSP 5.1).
  std::vector<std::uint8_t> data(4096, 0);
  data[0] = 40;
  std::uint8_t* ce = data.data() + 1;
  ce[0] = 'C', ce[1] = 'E', ce[2] = 28, ce[3] = 1;
  base::StoreBoth32(ce + 4, 1);
  base::StoreBoth32(ce + 12, 8);
  base::StoreBoth32(ce + 20, 9);
  std::uint8_t* nm = data.data() + 2048 + 8;
  nm[0] = 'N', nm[1] = 'M', nm[2] = 9, nm[3] = 1;
  const Layout layout = Parse(data);
  EXPECT_TRUE(std::any_of(layout.records.begin(), layout.records.end(), [](const Record& r) {
    return r.kind == RecordKind::kSuspEntry && r.offset == 2048 + 8 && r.length == 9;
  }));
  EXPECT_TRUE(std::any_of(layout.fields.begin(), layout.fields.end(), [](const Field& f) {
    return f.offset == 1 + 4 && f.role == Role::kLocation && f.order == Order::kBoth;
  }));
}

TEST(StructureMutator, InsertsWellFormedRockRidgeEntries) {
  // A System Use area from genisoimage, as susp_fuzzer reads it (length byte first).
  const auto area = Seed("susp_fuzzer/genisoimage-0");
  const auto susp_entries = [](const Layout& l) {
    return std::count_if(l.records.begin(), l.records.end(),
                         [](const Record& r) { return r.kind == RecordKind::kSuspEntry; });
  };
  const auto before = susp_entries(Parse(area));
  ASSERT_GT(before, 2);
  int more = 0, with_ce = 0;
  for (unsigned seed = 0; seed < 300; ++seed) {
    std::vector<std::uint8_t> data = area;
    data.resize(4096);
    const ByteMutator bytes = [seed](std::uint8_t* d, std::size_t s, std::size_t m) {
      return Scribble(d, s, m, seed);
    };
    data.resize(Mutate(data.data(), area.size(), data.size(), seed, bytes));
    if (susp_entries(Parse(data)) > before) ++more;
    const std::string text(data.begin(), data.end());
    if (text.find(std::string("CE\x1c\x01", 4)) != std::string::npos) ++with_ce;
  }
  // Entries are inserted in about 15% of mutations, a CE in one of eleven of those.
  EXPECT_GT(more, 25);
  EXPECT_GT(with_ce, 0);
}

TEST(StructureMutator, RefinishesElToritoValidationEntry) {
  auto catalog = Seed("eltorito_fuzzer/xorriso-bios-efi");
  const Layout layout = Parse(catalog);
  ASSERT_EQ(layout.boot_catalogs.size(), 1u);
  catalog[4] ^= 0x5A;  // the ID string: the checksum no longer holds
  Refinish(catalog, layout);
  std::uint16_t sum = 0;
  for (std::size_t i = 0; i < 32; i += 2) {
    sum = static_cast<std::uint16_t>(sum + base::LoadLe16(catalog.data() + i));
  }
  EXPECT_EQ(sum, 0);
}

TEST(StructureMutator, FallsBackToBytesForWhatItCannotParse) {
  std::string json = R"({"volume": {"label": "X"}, "files": []})";
  std::vector<std::uint8_t> data(json.begin(), json.end());
  EXPECT_TRUE(Parse(data).empty());
  int calls = 0;
  const ByteMutator bytes = [&](std::uint8_t*, std::size_t s, std::size_t) {
    ++calls;
    return s;
  };
  Mutate(data.data(), data.size(), data.size(), 1, bytes);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace fuzz::mutator
