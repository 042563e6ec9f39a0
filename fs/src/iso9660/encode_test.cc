// Golden byte vectors for the ECMA-119 encoders: dates (8.4.26.1, 9.1.5), directory
// records (9.1), path table records (9.4), the primary volume descriptor (8.4) and the
// terminator (8.3). Expected bytes are written out from the standard's field tables.
#include "iso9660/encode.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fs::iso9660 {
namespace {

constexpr std::int64_t k2026 = 1767225600;  // 2026-01-01T00:00:00Z

std::vector<std::uint8_t> Bytes(std::initializer_list<int> v) {
  std::vector<std::uint8_t> out;
  for (int b : v) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

TEST(CivilTimeTest, ConvertsEpochSeconds) {
  CivilTime t = ToCivilTime(k2026 + 86399);
  EXPECT_EQ(t.year, 2026);
  EXPECT_EQ(t.month, 1);
  EXPECT_EQ(t.day, 1);
  EXPECT_EQ(t.hour, 23);
  EXPECT_EQ(t.minute, 59);
  EXPECT_EQ(t.second, 59);
  t = ToCivilTime(951782400);  // 2000-02-29 (leap day)
  EXPECT_EQ(t.year, 2000);
  EXPECT_EQ(t.month, 2);
  EXPECT_EQ(t.day, 29);
  t = ToCivilTime(-1);  // 1969-12-31T23:59:59
  EXPECT_EQ(t.year, 1969);
  EXPECT_EQ(t.day, 31);
  EXPECT_EQ(t.second, 59);
}

TEST(DateTest, DecDateTimeIsDigitsAndGmtOffset) {
  DecDateTime d = EncodeDecDateTime(Timestamp{k2026 + 3723, 450000000});
  std::string s(reinterpret_cast<const char*>(&d), 16);  // NOLINT: test view of bytes
  EXPECT_EQ(s, "2026010101020345");
  EXPECT_EQ(d.gmt_offset, 0);
  DecDateTime unset = UnsetDecDateTime();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&unset), 16), "0000000000000000");  // NOLINT
}

TEST(DateTest, RecordingDateClampsToItsRange) {
  auto d = EncodeRecordingDate(Timestamp{k2026 + 3723, 0});
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin(), d.end()), Bytes({126, 1, 1, 1, 2, 3, 0}));
  auto early = EncodeRecordingDate(Timestamp{-2500000000, 0});  // 1890
  EXPECT_EQ(std::vector<std::uint8_t>(early.begin(), early.end()), Bytes({0, 1, 1, 0, 0, 0, 0}));
}

TEST(DirectoryRecordTest, RootRecordGolden) {
  DirectoryRecordFields f;
  f.extent_location = 0x12345678;
  f.data_length = 2048;
  f.recording_date = Timestamp{k2026, 0};
  f.file_flags = kFlagDirectory;
  std::vector<std::uint8_t> out;
  const std::uint8_t id[] = {0};
  AppendDirectoryRecord(f, id, {}, &out);
  EXPECT_EQ(out, Bytes({34,   0,    0x78, 0x56, 0x34, 0x12, 0x12, 0x34, 0x56, 0x78,  // BP 1-10
                        0x00, 0x08, 0,    0,    0,    0,    0x08, 0x00,              // BP 11-18
                        126,  1,    1,    0,    0,    0,    0,                       // BP 19-25
                        2,    0,    0,    1,    0,    0,    1,                       // BP 26-32
                        1,    0}));                                                  // BP 33-34
}

TEST(DirectoryRecordTest, EvenIdentifierIsPaddedAndSystemUseFollows) {
  DirectoryRecordFields f;
  f.data_length = 5;
  const std::uint8_t id[] = {'A', '.', ';', '1'};
  const std::uint8_t su[] = {'R', 'E', 4, 1, 'X'};  // odd length: a final pad byte
  std::vector<std::uint8_t> out;
  AppendDirectoryRecord(f, id, su, &out);
  ASSERT_EQ(out.size(), 33u + 4 + 1 + 5 + 1);
  EXPECT_EQ(out[0], out.size());
  EXPECT_EQ(out[32], 4);
  EXPECT_EQ(out[37], 0);    // padding field (9.1.12)
  EXPECT_EQ(out[38], 'R');  // system use (9.1.13)
  EXPECT_EQ(out.back(), 0);
  EXPECT_EQ(DirectoryRecordLength(4, 5), out.size());
}

TEST(PathTableTest, LittleAndBigEndianRecords) {
  std::vector<std::uint8_t> l, m;
  const std::uint8_t ab[] = {'A', 'B'};
  AppendPathTableRecord(PathTableType::kL, 0x17, 1, ab, &l);
  AppendPathTableRecord(PathTableType::kM, 0x17, 1, ab, &m);
  EXPECT_EQ(l, Bytes({2, 0, 0x17, 0, 0, 0, 1, 0, 'A', 'B'}));
  EXPECT_EQ(m, Bytes({2, 0, 0, 0, 0, 0x17, 0, 1, 'A', 'B'}));
  std::vector<std::uint8_t> odd;
  const std::uint8_t abc[] = {'A', 'B', 'C'};
  AppendPathTableRecord(PathTableType::kL, 0x20, 2, abc, &odd);
  EXPECT_EQ(odd, Bytes({3, 0, 0x20, 0, 0, 0, 2, 0, 'A', 'B', 'C', 0}));
}

TEST(VolumeDescriptorTest, PrimaryGolden) {
  VolumeDescriptorFields f;
  f.system_identifier = "LINUX";
  f.volume_identifier = "MYDISC";
  f.publisher_identifier = "PUB";
  f.application_identifier = "MKIMG";
  f.volume_space_size = 0x1234;
  f.path_table_size = 10;
  f.type_l_path_table = 19;
  f.type_m_path_table = 20;
  f.root_directory_record[0] = 34;
  f.time = Timestamp{k2026, 0};
  auto d = EncodeVolumeDescriptor(f);
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin(), d.begin() + 8),
            Bytes({1, 'C', 'D', '0', '0', '1', 1, 0}));
  EXPECT_EQ(std::string(d.begin() + 8, d.begin() + 40), "LINUX" + std::string(27, ' '));
  EXPECT_EQ(std::string(d.begin() + 40, d.begin() + 72), "MYDISC" + std::string(26, ' '));
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin() + 80, d.begin() + 88),
            Bytes({0x34, 0x12, 0, 0, 0, 0, 0x12, 0x34}));
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin() + 120, d.begin() + 132),
            Bytes({1, 0, 0, 1, 1, 0, 0, 1, 0, 8, 8, 0}));
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin() + 132, d.begin() + 156),
            Bytes({10, 0, 0, 0, 0, 0, 0, 10, 19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 0}));
  EXPECT_EQ(d[156], 34);
  EXPECT_EQ(std::string(d.begin() + 318, d.begin() + 321), "PUB");
  EXPECT_EQ(d[321], ' ');
  EXPECT_EQ(std::string(d.begin() + 813, d.begin() + 830), std::string("2026010100000000") + '\0');
  EXPECT_EQ(std::string(d.begin() + 847, d.begin() + 863), "0000000000000000");
  EXPECT_EQ(d[881], 1);  // file structure version
  EXPECT_EQ(d[2047], 0);
}

TEST(VolumeDescriptorTest, JolietIdentifiersArePaddedWithUcs2Spaces) {
  VolumeDescriptorFields f;
  f.type = VolumeDescriptorType::kSupplementary;
  f.ucs2 = true;
  f.escape_sequences = "%/E";
  f.volume_identifier = std::string("\0A", 2);
  auto d = EncodeVolumeDescriptor(f);
  EXPECT_EQ(d[0], 2);
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin() + 40, d.begin() + 46),
            Bytes({0, 'A', 0, ' ', 0, ' '}));
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin() + 88, d.begin() + 92), Bytes({'%', '/', 'E', 0}));
}

TEST(VolumeDescriptorTest, Terminator) {
  auto t = EncodeTerminator();
  EXPECT_EQ(std::vector<std::uint8_t>(t.begin(), t.begin() + 8),
            Bytes({255, 'C', 'D', '0', '0', '1', 1, 0}));
  for (std::size_t i = 7; i < t.size(); ++i) ASSERT_EQ(t[i], 0);
}

TEST(ACharactersTest, UpperCasesAndReplaces) {
  EXPECT_EQ(ToACharacters("Example Org, Inc.", 128), "EXAMPLE ORG, INC.");
  EXPECT_EQ(ToACharacters("a@b#c", 128), "A_B_C");
  EXPECT_EQ(ToACharacters("abcdef", 3), "ABC");
}

}  // namespace
}  // namespace fs::iso9660
