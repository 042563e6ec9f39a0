// A UDF volume with a virtual partition (OSTA UDF 2.2.8, 2.2.11; UDF 1.50 2.2.10), built
// byte by byte the way a CD-R recorder leaves it, for tests: anchor at 256, a type 1 and
// a virtual partition map of the same partition, an integrity descriptor, the file set
// descriptor, root and file entries reached through the VAT at physical blocks that are
// not their virtual numbers, and the VAT's file entry as the last recorded block (2.00
// format: extended file entry, file type 248, header; 1.50: file entry, file type 0,
// trailing regid). The root holds hello.txt (embedded, 11 bytes, 2020-05-06 07:08:09
// UTC), big.bin (3000 bytes i % 251 in the type 1 partition through a long_ad, 2021-...)
// and split.bin (2048 'A' then 1952 'B' in two virtual blocks mapped to non-adjacent
// physical blocks, 2022-...). Test-only; used by udf_vat_test.cc and
// tests/reader_tools_test.cc (which has udfclient read it).
#ifndef MKIMG_FS_READER_UDF_VAT_BUILDER_H_
#define MKIMG_FS_READER_UDF_VAT_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/crc.h"
#include "udf/udf_reader.h"

namespace fs::testing {

constexpr std::uint32_t kBs = 2048;
constexpr std::uint32_t kPartitionStart = 260;
constexpr std::uint32_t kPartitionLength = 1000;

// Physical (partition-relative) blocks of the crafted volume, deliberately not equal to
// the virtual numbers so that reading them without the VAT fails.
constexpr std::uint32_t kFsdPhys = 5, kRootPhys = 3, kHelloPhys = 7, kBigPhys = 8;
constexpr std::uint32_t kBigDataPhys = 20;  // long_ad into the type 1 partition, 3000 bytes
constexpr std::uint32_t kSplitPhys = 9;     // short_ads in the virtual partition
constexpr std::uint32_t kSplitData0 = 30, kSplitData1 = 26;  // virtual 5, 6: not adjacent
constexpr std::uint32_t kVatPhys = 40;                       // the VAT's entry

class VatBuilder {
 public:
  // `legacy`: UDF 1.50 VAT (file entry, type 0, trailing regid); else 2.00 (EFE, 248).
  explicit VatBuilder(bool legacy, std::uint32_t padding = 0)
      : legacy_(legacy), padding_(padding), image_(std::size_t{Blocks()} * kBs, 0) {
    // VAT: virtual 0 FSD, 1 root, 2 hello, 3 big, 4 split, 5-6 split data, 7 unused.
    vat_ = {kFsdPhys,   kRootPhys,   kHelloPhys,  kBigPhys,
            kSplitPhys, kSplitData0, kSplitData1, 0xFFFFFFFFu};
    Volume();
    Files();
    WriteVat();
  }

  std::uint32_t Blocks() const { return kPartitionStart + kVatPhys + 1 + padding_; }
  std::uint8_t* Phys(std::uint32_t lbn) {
    return image_.data() + (std::size_t{kPartitionStart} + lbn) * kBs;
  }
  std::uint8_t* Sector(std::uint32_t s) { return image_.data() + std::size_t{s} * kBs; }
  std::vector<std::uint32_t>& vat() { return vat_; }
  std::vector<std::uint8_t>& bytes() { return image_; }
  static constexpr std::uint32_t VatSector() { return kPartitionStart + kVatPhys; }

  // ECMA-167 3/7.2: identifier, version, checksum, CRC over crc_length bytes, location.
  static void Tag(std::uint8_t* d, std::uint16_t id, std::uint32_t location,
                  std::size_t crc_length) {
    base::StoreLe16(d, id);
    base::StoreLe16(d + 2, 3);
    base::StoreLe16(d + 10, static_cast<std::uint16_t>(crc_length));
    base::StoreLe32(d + 12, location);
    base::StoreLe16(d + 8, base::CrcItu(std::span<const std::uint8_t>(d + 16, crc_length)));
    std::uint8_t sum = 0;
    for (int i = 0; i < 16; ++i) {
      if (i != 4) sum = static_cast<std::uint8_t>(sum + d[i]);
    }
    d[4] = sum;
  }

  // (Re)writes the VAT's file entry from vat(): call after changing entries.
  // `patch`, when set, changes the table bytes before they are stored.
  void WriteVat(const std::function<void(std::vector<std::uint8_t>&)>& patch = {}) {
    std::vector<std::uint8_t> data;
    if (!legacy_) {
      data.resize(152);
      base::StoreLe16(data.data(), 152);  // length of header, no implementation use
      data[4] = 8;                        // logical volume identifier (dstring)
      std::memcpy(data.data() + 5, "VATTEST", 7);
      data[131] = 8;
      base::StoreLe32(data.data() + 132, 0xFFFFFFFFu);  // no previous VAT
      base::StoreLe32(data.data() + 136, 3);            // files
      base::StoreLe32(data.data() + 140, 1);            // directories
      base::StoreLe16(data.data() + 144, 0x0201);
      base::StoreLe16(data.data() + 146, 0x0201);
      base::StoreLe16(data.data() + 148, 0x0201);
    }
    for (std::uint32_t e : vat_) {
      data.resize(data.size() + 4);
      base::StoreLe32(data.data() + data.size() - 4, e);
    }
    if (legacy_) {
      std::vector<std::uint8_t> regid(36, 0);
      std::memcpy(regid.data() + 1, "*UDF Virtual Alloc Tbl", 22);
      base::StoreLe16(regid.data() + 24, 0x0150);
      base::StoreLe32(regid.data() + 32, 0xFFFFFFFFu);
      data.insert(data.end(), regid.begin(), regid.end());
    }
    if (patch) patch(data);
    std::memset(Phys(kVatPhys), 0, kBs);
    Entry(kVatPhys, kVatPhys, legacy_ ? 0 : 248, 3, data.size(), data, 0);
  }

  // A file entry (legacy_: 4/14.9, else extended 4/14.17) at physical `phys` whose tag
  // records `tag_location`; `ads` are the allocation descriptors (or embedded data).
  void Entry(std::uint32_t phys, std::uint32_t tag_location, std::uint8_t file_type,
             std::uint16_t ad_type, std::uint64_t info_length, const std::vector<std::uint8_t>& ads,
             std::uint32_t mtime_year) {
    std::uint8_t* d = Phys(phys);
    const bool fe = legacy_;
    const std::size_t header = fe ? 176 : 216;
    base::StoreLe16(d + 16 + 4, 4);  // 4/14.6: strategy type 4, one entry
    base::StoreLe16(d + 16 + 8, 1);
    d[16 + 11] = file_type;
    base::StoreLe16(d + 16 + 18, ad_type);
    base::StoreLe32(d + 36, 1000);    // uid
    base::StoreLe32(d + 40, 100);     // gid
    base::StoreLe32(d + 44, 0x1884);  // 4/14.9.5: owner read+write, group and other read
    base::StoreLe16(d + 48, 1);
    base::StoreLe64(d + 56, info_length);
    if (mtime_year != 0) {
      std::uint8_t* t = d + (fe ? 84 : 92);
      base::StoreLe16(t, 0x1000);  // type 1, UTC
      base::StoreLe16(t + 2, static_cast<std::uint16_t>(mtime_year));
      t[4] = 5;  // May
      t[5] = 6;  // 6th
      t[6] = 7;  // 07:
      t[7] = 8;  // 08:
      t[8] = 9;  // 09
    }
    base::StoreLe32(d + header - 8, 0);  // no extended attributes
    base::StoreLe32(d + header - 4, static_cast<std::uint32_t>(ads.size()));
    std::memcpy(d + header, ads.data(), ads.size());
    Tag(d, fe ? 261 : 266, tag_location, header - 16 + ads.size());
  }

  static void ShortAd(std::vector<std::uint8_t>* ads, std::uint32_t length, std::uint32_t lbn) {
    ads->resize(ads->size() + 8);
    base::StoreLe32(ads->data() + ads->size() - 8, length);
    base::StoreLe32(ads->data() + ads->size() - 4, lbn);
  }
  static void LongAd(std::vector<std::uint8_t>* ads, std::uint32_t length, std::uint32_t lbn,
                     std::uint16_t ref) {
    ads->resize(ads->size() + 16);
    std::uint8_t* a = ads->data() + ads->size() - 16;
    base::StoreLe32(a, length);
    base::StoreLe32(a + 4, lbn);
    base::StoreLe16(a + 8, ref);
  }

  // ECMA-167 4/14.4: a file identifier descriptor naming `name` (empty: the parent).
  static void Fid(std::vector<std::uint8_t>* dir, std::uint32_t dir_virtual,
                  const std::string& name, std::uint8_t characteristics,
                  std::uint32_t icb_virtual) {
    const std::size_t l_fi = name.empty() ? 0 : name.size() + 1;
    const std::size_t length = (38 + l_fi + 3) & ~std::size_t{3};
    std::vector<std::uint8_t> f(length, 0);
    base::StoreLe16(f.data() + 16, 1);
    f[18] = characteristics;
    f[19] = static_cast<std::uint8_t>(l_fi);
    base::StoreLe32(f.data() + 20, kBs);
    base::StoreLe32(f.data() + 24, icb_virtual);
    base::StoreLe16(f.data() + 28, 1);  // partition reference 1: the virtual partition
    if (l_fi != 0) {
      f[38] = 8;
      std::memcpy(f.data() + 39, name.data(), name.size());
    }
    Tag(f.data(), 257, dir_virtual, length - 16);
    dir->insert(dir->end(), f.begin(), f.end());
  }

 private:
  // OSTA UDF 2.1.2: the CS0 character set specification.
  static void Charspec(std::uint8_t* d) { std::memcpy(d + 1, "OSTA Compressed Unicode", 23); }

  void Volume() {
    // ECMA-167 2/9.1 volume recognition sequence.
    for (auto [s, id] : {std::pair{16u, "BEA01"}, {17u, "NSR03"}, {18u, "TEA01"}}) {
      Sector(s)[1] = 0;
      std::memcpy(Sector(s) + 1, id, 5);
      Sector(s)[6] = 1;
    }
    // 3/10.2 anchor: main VDS at 32, 4 blocks; reserve the same.
    std::uint8_t* a = Sector(256);
    base::StoreLe32(a + 16, 4 * kBs);
    base::StoreLe32(a + 20, 32);
    base::StoreLe32(a + 24, 4 * kBs);
    base::StoreLe32(a + 28, 32);
    Tag(a, 2, 256, 512 - 16);
    std::uint8_t* pvd = Sector(32);  // 3/10.1 primary volume descriptor
    Charspec(pvd + 200);
    Charspec(pvd + 264);
    pvd[24] = 8;
    std::memcpy(pvd + 25, "VATTEST", 7);
    pvd[24 + 31] = 8;
    pvd[72] = 8;
    std::memcpy(pvd + 73, "VATTEST", 7);
    pvd[72 + 127] = 8;
    base::StoreLe16(pvd + 40, 1);  // volume sequence number
    base::StoreLe16(pvd + 42, 1);  // maximum
    base::StoreLe16(pvd + 44, 2);  // interchange level
    base::StoreLe16(pvd + 46, 2);
    base::StoreLe32(pvd + 48, 1);  // character set list
    base::StoreLe32(pvd + 52, 1);
    Tag(pvd, 1, 32, 512 - 16);
    std::uint8_t* pd = Sector(33);  // 3/10.5 partition descriptor
    base::StoreLe16(pd + 22, 0);
    std::memcpy(pd + 24 + 1, legacy_ ? "+NSR02" : "+NSR03", 6);  // partition contents
    base::StoreLe32(pd + 188, kPartitionStart);
    base::StoreLe32(pd + 192, kPartitionLength);
    Tag(pd, 5, 33, 512 - 16);
    std::uint8_t* lvd = Sector(34);  // 3/10.6 logical volume descriptor
    Charspec(lvd + 20);
    lvd[84] = 8;
    std::memcpy(lvd + 85, "VATTEST", 7);
    lvd[84 + 127] = 8;
    base::StoreLe32(lvd + 212, kBs);
    std::memcpy(lvd + 216 + 1, "*OSTA UDF Compliant", 19);
    base::StoreLe16(lvd + 216 + 24, legacy_ ? 0x0150 : 0x0201);
    base::StoreLe32(lvd + 248, kBs);  // FSD: virtual block 0 of partition reference 1
    base::StoreLe32(lvd + 252, 0);
    base::StoreLe16(lvd + 256, 1);
    base::StoreLe32(lvd + 432, 2 * kBs);  // integrity sequence: LVID at 64, terminator
    base::StoreLe32(lvd + 436, 64);
    base::StoreLe32(lvd + 264, 6 + 64);
    base::StoreLe32(lvd + 268, 2);
    std::uint8_t* m = lvd + 440;  // type 1 map (3/10.7.2): partition 0
    m[0] = 1;
    m[1] = 6;
    base::StoreLe16(m + 2, 1);
    base::StoreLe16(m + 4, 0);
    m += 6;  // type 2 map (UDF 2.2.8): virtual partition of partition 0
    m[0] = 2;
    m[1] = 64;
    std::memcpy(m + 5, "*UDF Virtual Partition", 22);
    base::StoreLe16(m + 36, 1);
    base::StoreLe16(m + 38, 0);
    Tag(lvd, 6, 34, 440 + 70 - 16);
    Tag(Sector(35), 8, 35, 512 - 16);  // terminating descriptor
    // 3/10.10 logical volume integrity descriptor, closed; two partitions (sizes and free
    // space unknown for the virtual one, UDF 2.2.6.2), implementation use (UDF 2.2.6.4).
    std::uint8_t* lvid = Sector(64);
    base::StoreLe32(lvid + 28, 1);
    base::StoreLe32(lvid + 72, 2);
    base::StoreLe32(lvid + 76, 46);
    base::StoreLe32(lvid + 80, 0);
    base::StoreLe32(lvid + 84, 0xFFFFFFFFu);
    base::StoreLe32(lvid + 88, kPartitionLength);
    base::StoreLe32(lvid + 92, 0xFFFFFFFFu);
    std::memcpy(lvid + 96 + 1, "*mkimg test", 11);
    // Counts as formatted: on VAT media the LVID is left stale and the 2.00 VAT header's
    // counts replace it (UDF 2.2.11), so a reader that took these would say 0 files.
    base::StoreLe32(lvid + 96 + 32, 0);  // files
    base::StoreLe32(lvid + 96 + 36, 1);  // directories
    base::StoreLe16(lvid + 96 + 40, legacy_ ? 0x0150 : 0x0201);
    base::StoreLe16(lvid + 96 + 42, legacy_ ? 0x0150 : 0x0201);
    base::StoreLe16(lvid + 96 + 44, legacy_ ? 0x0150 : 0x0201);
    Tag(lvid, 9, 64, 96 + 46 - 16);
    Tag(Sector(65), 8, 65, 512 - 16);
  }

  void Files() {
    // 4/14.1 file set descriptor; root ICB long_ad at BP 400 (virtual 1).
    std::uint8_t* fsd = Phys(kFsdPhys);
    base::StoreLe16(fsd + 28, 3);  // interchange levels
    base::StoreLe16(fsd + 30, 3);
    base::StoreLe32(fsd + 32, 1);
    base::StoreLe32(fsd + 36, 1);
    Charspec(fsd + 48);
    fsd[112] = 8;
    std::memcpy(fsd + 113, "VATTEST", 7);
    fsd[112 + 127] = 8;
    Charspec(fsd + 240);
    fsd[304] = 8;
    std::memcpy(fsd + 305, "VATTEST", 7);
    fsd[304 + 31] = 8;
    std::memcpy(fsd + 416 + 1, "*OSTA UDF Compliant", 19);
    base::StoreLe16(fsd + 416 + 24, legacy_ ? 0x0150 : 0x0201);
    base::StoreLe32(fsd + 400, kBs);
    base::StoreLe32(fsd + 404, 1);
    base::StoreLe16(fsd + 408, 1);
    Tag(fsd, 256, 0, 512 - 16);
    // Root: embedded FIDs for hello.txt, big.bin, split.bin.
    std::vector<std::uint8_t> root;
    Fid(&root, 1, "", 0x0A, 1);
    Fid(&root, 1, "hello.txt", 0, 2);
    Fid(&root, 1, "big.bin", 0, 3);
    Fid(&root, 1, "split.bin", 0, 4);
    Entry(kRootPhys, 1, 4, 3, root.size(), root, 2026);
    // hello.txt: data embedded in its entry.
    const std::string hello = "hello, VAT\n";
    Entry(kHelloPhys, 2, 5, 3, hello.size(), {hello.begin(), hello.end()}, 2020);
    // big.bin: 3000 bytes in the type 1 partition (long_ad, reference 0), as recorders
    // place file data.
    std::vector<std::uint8_t> ads;
    LongAd(&ads, 3000, kBigDataPhys, 0);
    Entry(kBigPhys, 3, 5, 1, 3000, ads, 2021);
    for (std::uint32_t i = 0; i < 3000; ++i)
      Phys(kBigDataPhys)[i] = static_cast<std::uint8_t>(i % 251);
    // split.bin: 4000 bytes in two virtual blocks (short_ad: the entry's partition, the
    // virtual one) that the VAT puts in non-adjacent physical blocks.
    ads.clear();
    ShortAd(&ads, 4000, 5);
    Entry(kSplitPhys, 4, 5, 0, 4000, ads, 2022);
    std::memset(Phys(kSplitData0), 'A', kBs);
    std::memset(Phys(kSplitData1), 'B', 4000 - kBs);
  }

  bool legacy_;
  std::uint32_t padding_;
  std::vector<std::uint8_t> image_;
  std::vector<std::uint32_t> vat_;
};

}  // namespace fs::testing

#endif  // MKIMG_FS_READER_UDF_VAT_BUILDER_H_
