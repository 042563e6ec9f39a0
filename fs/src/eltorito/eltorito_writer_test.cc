// The El Torito writer (and the hybrid MBR/GPT writer) from manifests through Plan and Emit
// into memory, read back with the catalog and partition readers and the raw bytes: the
// catalog layout (validation, default, section headers, extensions), load sizes, the
// boot information table and GRUB's patch at their LBAs, hidden catalog and images, the
// errors of specs/eltorito.md. Independent tools check the same images in
// tests/boot/boot_tests.py.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/block_sink.h"
#include "base/bytes.h"
#include "base/crc.h"
#include "fs/image_builder.h"
#include "fs/image_reader.h"
#include "fs/manifest.h"

namespace fs {
namespace {

struct Built {
  std::vector<std::uint8_t> bytes;
  ImageInfo info;
};

base::Expected<Built> Build(const std::string& json) {
  ManifestOptions options;
  options.display_name = "m.json";
  options.now = 1767225600;
  ASSIGN_OR_RETURN(ImageSpec spec, ParseManifest(json, options, {}));
  ASSIGN_OR_RETURN(auto layout, Plan(std::move(spec), {}));
  Built b;
  base::MemorySink sink(&b.bytes);
  RETURN_IF_ERROR(Emit(*layout, sink));
  ASSIGN_OR_RETURN(auto reader, ImageReader::Open(base::MemoryBlockDevice(b.bytes)));
  b.info = reader->volume();
  return b;
}

std::string ErrorOf(const std::string& json) {
  auto b = Build(json);
  return b ? "" : b.error().ToString();
}

// A text of n bytes whose 32-bit words are not all zero.
std::string Payload(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('A' + i % 23);
  return s;
}

std::string Contents(const std::string& extra = "") {
  return R"("contents": [{"target": "/boot/bios.img", "text": ")" + Payload(4096) +
         R"("}, {"target": "/boot/efi.img", "text": ")" + Payload(6000) + R"("}, )" +
         R"({"target": "/boot/grub.img", "text": ")" + Payload(5000) + R"("}, )" +
         R"({"target": "/readme.txt", "text": "hello"})" + extra + "]";
}

TEST(ElToritoWriter, CatalogHasEveryEntryWithItsPlatformAndSection) {
  auto b = Build(R"({"mkimg": 1, "volume": {"timestamp": 0}, )" + Contents() + R"(,
    "boot": {"catalog": "/boot/boot.cat", "entries": [
      {"platform": "x86", "image": "/boot/bios.img", "load_size": 4, "boot_info_table": true,
       "id": "MKIMG"},
      {"platform": "x86", "image": "/boot/grub.img", "grub2_boot_info": true, "id": "GRUB"},
      {"platform": "efi", "image": "/boot/efi.img"},
      {"platform": "efi", "image": "/boot/efi.img", "bootable": false,
       "selection_criteria_type": 1,
       "selection_criteria": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},
      {"platform": "ppc", "image": "/readme.txt"},
      {"platform": "mac", "image": "/readme.txt", "load_segment": 4096}]}})");
  ASSERT_TRUE(b) << b.error().ToString();
  ASSERT_TRUE(b->info.boot_catalog);
  const BootCatalogInfo& c = *b->info.boot_catalog;
  EXPECT_EQ(c.validation_platform, "x86");
  EXPECT_EQ(c.manufacturer_id, "MKIMG");
  ASSERT_EQ(c.entries.size(), 6u);
  EXPECT_EQ(c.entries[0].platform, "x86");
  EXPECT_EQ(c.entries[0].sector_count, 4);
  EXPECT_EQ(c.entries[0].boot_info_table, "consistent");
  EXPECT_EQ(c.entries[1].platform, "x86");
  EXPECT_EQ(c.entries[1].id, "GRUB");
  EXPECT_TRUE(c.entries[1].grub2_boot_info);
  EXPECT_EQ(c.entries[1].sector_count, 12);  // 5000 bytes: 3 blocks of 4 sectors (mkisofs)
  EXPECT_EQ(c.entries[2].platform, "efi");
  EXPECT_EQ(c.entries[2].sector_count, 12);  // 6000 bytes: 12 sectors of 512 (UEFI)
  EXPECT_EQ(c.entries[3].platform, "efi");
  EXPECT_FALSE(c.entries[3].bootable);
  EXPECT_EQ(c.entries[3].selection_criteria_type, 1);
  EXPECT_EQ(c.entries[3].selection_criteria,
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(c.entries[2].load_lba, c.entries[3].load_lba);
  EXPECT_EQ(c.entries[4].platform, "ppc");
  EXPECT_EQ(c.entries[5].platform, "mac");
  EXPECT_EQ(c.entries[5].load_segment, 4096);
  // The raw catalog: the section headers and the extension after the fourth entry.
  const std::uint8_t* cat = b->bytes.data() + std::size_t{c.catalog_lba} * 2048;
  EXPECT_EQ(cat[64], 0x90);  // x86 section (GRUB), more follow
  EXPECT_EQ(cat[64 + 1], 0x00);
  EXPECT_EQ(cat[128], 0x90);  // efi section: two entries
  EXPECT_EQ(cat[128 + 1], 0xEF);
  EXPECT_EQ(base::LoadLe16(cat + 128 + 2), 2);
  EXPECT_EQ(cat[160 + 1] & 0x20, 0);     // the first efi entry: no extension
  EXPECT_EQ(cat[192 + 1] & 0x20, 0x20);  // 2.4 offset 01 bit 5: an extension follows
  EXPECT_EQ(cat[224], 0x44);             // 2.5: the other 13 bytes
  EXPECT_EQ(cat[224 + 1] & 0x20, 0);     // the last extension
  EXPECT_EQ(cat[224 + 2], 0x13);
  EXPECT_EQ(cat[256], 0x90);  // ppc
  EXPECT_EQ(cat[320], 0x91);  // mac: the final header
  // The boot information table: primary descriptor, LBA, length, checksum.
  const std::uint8_t* bios = b->bytes.data() + std::size_t{c.entries[0].load_lba} * 2048;
  EXPECT_EQ(base::LoadLe32(bios + 8), 16u);
  EXPECT_EQ(base::LoadLe32(bios + 12), c.entries[0].load_lba);
  EXPECT_EQ(base::LoadLe32(bios + 16), 4096u);
  // GRUB's boot info: sector * 4 + 5.
  const std::uint8_t* grub = b->bytes.data() + std::size_t{c.entries[1].load_lba} * 2048;
  EXPECT_EQ(base::LoadLe64(grub + 2548), std::uint64_t{c.entries[1].load_lba} * 4 + 5);
  // The boot record at sector 17 points at the catalog.
  EXPECT_EQ(std::memcmp(b->bytes.data() + 17 * 2048 + 7, "EL TORITO SPECIFICATION", 23), 0);
  EXPECT_EQ(base::LoadLe32(b->bytes.data() + 17 * 2048 + 0x47), c.catalog_lba);
}

TEST(ElToritoWriter, DefaultEntryMaySitAnywhereButOnlyOnce) {
  auto b = Build(R"({"mkimg": 1, "volume": {"timestamp": 0}, )" + Contents() + R"(,
    "boot": {"entries": [{"platform": "efi", "image": "/boot/efi.img"},
                         {"platform": "x86", "image": "/boot/bios.img", "default": true}]}})");
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(b->info.boot_catalog->validation_platform, "x86");
  EXPECT_EQ(b->info.boot_catalog->entries[1].platform, "efi");
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, )" + Contents() + R"(,
    "boot": {"entries": [{"image": "/boot/bios.img", "default": true},
                         {"image": "/boot/grub.img", "default": true}]}})")
                .find("$.boot.entries[1]: two entries on the initial/default catalog slot"),
            std::string::npos);
}

TEST(ElToritoWriter, HiddenCatalogAndImagesAreInNoFileSystem) {
  auto b = Build(R"({"mkimg": 1, "volume": {"timestamp": 0}, )" +
                 Contents(R"(, {"target": "/secret.img", "text": ")" + Payload(3000) +
                          R"(", "hidden_in": ["iso9660", "joliet"]})") +
                 R"(,
    "boot": {"entries": [{"image": "/secret.img", "boot_info_table": true}]}})");
  ASSERT_TRUE(b) << b.error().ToString();
  const BootEntryInfo& e = b->info.boot_catalog->entries[0];
  EXPECT_EQ(e.boot_info_table, "consistent");
  const std::uint8_t* img = b->bytes.data() + std::size_t{e.load_lba} * 2048;
  EXPECT_EQ(img[0], 'A');
  EXPECT_EQ(img[64], 'A' + 64 % 23);
  auto reader = ImageReader::Open(base::MemoryBlockDevice(b->bytes));
  ASSERT_TRUE(reader);
  auto tree = (*reader)->ReadTree(Namespace::kIso9660);
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree->tree.FindChild(tree->tree.root(), "SECRET.IMG;1"), kNoNode);
  EXPECT_EQ(tree->tree.FindChild(tree->tree.root(), "secret.img"), kNoNode);
}

TEST(ElToritoWriter, FloppyAndHardDiskEmulation) {
  std::string mbr(512, '\0');
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, )" + Contents() + R"(,
    "boot": {"entries": [{"image": "/boot/bios.img", "emulation": "floppy-1.44"}]}})")
                .find("$.boot.entries[0]: a 1.44 MB floppy image has exactly 1474560 bytes, "
                      "not 4096"),
            std::string::npos);
  auto b = Build(R"({"mkimg": 1, "volume": {"timestamp": 0},
    "contents": [{"target": "/f.img", "size": 2949120}],
    "boot": {"entries": [{"image": "/f.img", "emulation": "floppy-2.88"}]}})");
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(b->info.boot_catalog->entries[0].emulation, "floppy-2.88");
  EXPECT_EQ(b->info.boot_catalog->entries[0].sector_count, 1);
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, )" + Contents() + R"(,
    "boot": {"entries": [{"image": "/boot/bios.img", "emulation": "hard-disk"}]}})")
                .find("exactly one partition"),
            std::string::npos);
}

TEST(ElToritoWriter, HybridTemplateMustBeAFile) {
  EXPECT_NE(ErrorOf(R"({"mkimg": 1, )" + Contents() + R"(,
    "boot": {"entries": [{"platform": "x86", "image": "/boot/bios.img"}],
             "hybrid": {"mbr": "/dev/null"}}})")
                .find("$.boot.hybrid.mbr: /dev/null is not an MBR template"),
            std::string::npos);
}

}  // namespace
}  // namespace fs
