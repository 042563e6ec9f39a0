// Golden byte vectors for every CDB builder in cdb.h. Vectors marked "trace" are the exact
// CDBs that xorriso/cdrskin (libburn 1.5.4), wodim (cdrkit 1.1.11), growisofs (dvd+rw-tools
// 7.1) and cdrdao 1.2.4 sent in the recorded sessions of emulator/testdata/traces/;
// the others are built by hand from the SPC-4 / MMC-5 field tables.
#include "mmc/cdb.h"

#include <gtest/gtest.h>

#include <string>

namespace mmc {
namespace {

template <std::size_t N>
std::string Hex(const std::array<std::uint8_t, N>& cdb) {
  return CdbToHex(cdb);
}

TEST(CdbTest, SpcCommandsFromTraces) {
  EXPECT_EQ(Hex(TestUnitReady()), "00 00 00 00 00 00");         // trace: all tools
  EXPECT_EQ(Hex(RezeroUnit()), "01 00 00 00 00 00");            // trace: cdrdao
  EXPECT_EQ(Hex(Inquiry(36)), "12 00 00 00 24 00");             // trace: libburn
  EXPECT_EQ(Hex(Inquiry(44)), "12 00 00 00 2c 00");             // trace: cdrdao
  EXPECT_EQ(Hex(ModeSense10(0x2A, PageControl::kCurrent, 40)),  // trace: libburn
            "5a 00 2a 00 00 00 00 00 28 00");
  EXPECT_EQ(Hex(ModeSense10(0x2A, PageControl::kCurrent, 12, true)),  // trace: growisofs
            "5a 08 2a 00 00 00 00 00 0c 00");
  EXPECT_EQ(Hex(ModeSense10(0x01, PageControl::kCurrent, 12)),  // trace: libburn
            "5a 00 01 00 00 00 00 00 0c 00");
  EXPECT_EQ(Hex(ModeSense10(0x3F, PageControl::kCurrent, 8)),  // trace: wodim
            "5a 00 3f 00 00 00 00 00 08 00");
  EXPECT_EQ(Hex(ModeSense10(0x05, PageControl::kCurrent, 2)),  // trace: wodim
            "5a 00 05 00 00 00 00 00 02 00");
  EXPECT_EQ(Hex(ReadBuffer(0, 0, 0, 4)), "3c 00 00 00 00 00 00 00 04 00");  // trace: wodim
}

TEST(CdbTest, SpcCommandsFromFieldTables) {
  EXPECT_EQ(Hex(RequestSense(false, 18)), "03 00 00 00 12 00");
  EXPECT_EQ(Hex(RequestSense(true, 252)), "03 01 00 00 fc 00");
  EXPECT_EQ(Hex(Inquiry(0x1234, true, 0x80)), "12 01 80 12 34 00");
  EXPECT_EQ(Hex(ModeSense6(0x2A, PageControl::kChangeable, 0xFF, true)), "1a 08 6a 00 ff 00");
  EXPECT_EQ(Hex(ModeSense6(0x05, PageControl::kSaved, 60, false, 0x01)), "1a 00 c5 01 3c 00");
  EXPECT_EQ(Hex(ModeSense10(0x05, PageControl::kDefault, 0x0104)), "5a 00 85 00 00 00 00 01 04 00");
  EXPECT_EQ(Hex(ModeSelect6(28)), "15 10 00 00 1c 00");
  EXPECT_EQ(Hex(ModeSelect6(28, true)), "15 11 00 00 1c 00");
  EXPECT_EQ(Hex(ModeSelect10(0x3C)), "55 10 00 00 00 00 00 00 3c 00");
  EXPECT_EQ(Hex(ReadBuffer(0x02, 0x01, 0x123456, 0x0ABCDE)), "3c 02 01 12 34 56 0a bc de 00");
}

TEST(CdbTest, MmcCommandsFromTraces) {
  EXPECT_EQ(Hex(StartStopUnit(true, true, false)), "1b 00 00 00 03 00");   // load
  EXPECT_EQ(Hex(StartStopUnit(true, false, false)), "1b 00 00 00 01 00");  // start
  EXPECT_EQ(Hex(StartStopUnit(true, false, true)), "1b 01 00 00 01 00");   // start, IMMED
  EXPECT_EQ(Hex(StartStopUnit(false, false, true)), "1b 01 00 00 00 00");  // stop, IMMED
  EXPECT_EQ(Hex(PreventAllowMediumRemoval(false)), "1e 00 00 00 00 00");
  EXPECT_EQ(Hex(PreventAllowMediumRemoval(true)), "1e 00 00 00 01 00");
  EXPECT_EQ(Hex(ReadFormatCapacities(4)), "23 00 00 00 00 00 00 00 04 00");
  EXPECT_EQ(Hex(ReadFormatCapacities(20)), "23 00 00 00 00 00 00 00 14 00");
  EXPECT_EQ(Hex(ReadCapacity()), "25 00 00 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(Read10(0, 32)), "28 00 00 00 00 00 00 00 20 00");
  EXPECT_EQ(Hex(Read10(32, 32)), "28 00 00 00 00 20 00 00 20 00");
  EXPECT_EQ(Hex(Write10(0x10, 16)), "2a 00 00 00 00 10 00 00 10 00");
  EXPECT_EQ(Hex(Write10(0x0690, 16)), "2a 00 00 00 06 90 00 00 10 00");
  EXPECT_EQ(Hex(SynchronizeCache(true)), "35 02 00 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(SynchronizeCache(false)), "35 00 00 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(GetConfiguration(ConfigurationRequestType::kAll, 0, 8)),
            "46 00 00 00 00 00 00 00 08 00");
  EXPECT_EQ(Hex(GetConfiguration(ConfigurationRequestType::kAll, 0, 0x4C)),
            "46 00 00 00 00 00 00 00 4c 00");
  EXPECT_EQ(Hex(GetConfiguration(ConfigurationRequestType::kOne, 0x0037, 16)),
            "46 02 00 37 00 00 00 00 10 00");
  EXPECT_EQ(Hex(GetEventStatusNotification(0xFF, 8)), "4a 01 00 00 ff 00 00 00 08 00");
  EXPECT_EQ(Hex(ReadDiscInformation(32)), "51 00 00 00 00 00 00 00 20 00");
  EXPECT_EQ(Hex(ReadDiscInformation(34)), "51 00 00 00 00 00 00 00 22 00");
  EXPECT_EQ(Hex(ReadTrackInformation(TrackAddressType::kTrackNumber, 1, 20)),
            "52 01 00 00 00 01 00 00 14 00");
  EXPECT_EQ(Hex(CloseTrackSession(CloseFunction::kQuickStop, 0, true)),
            "5b 01 00 00 00 00 00 00 00 00");  // growisofs DVD+RW "stop de-icing"
  EXPECT_EQ(Hex(CloseTrackSession(CloseFunction::kCloseSession, 0, true)),
            "5b 01 02 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(ReadBufferCapacity(false, 12)), "5c 00 00 00 00 00 00 00 0c 00");
  EXPECT_EQ(Hex(GetPerformanceOfType(PerformanceType::kWriteSpeed, 1)),
            "ac 00 00 00 00 00 00 00 00 01 03 00");                         // growisofs
  EXPECT_EQ(Hex(SetStreaming(28)), "b6 00 00 00 00 00 00 00 00 00 1c 00");  // libburn
}

TEST(CdbTest, MmcCommandsFromFieldTables) {
  EXPECT_EQ(Hex(Blank(BlankType::kMinimal, true)), "a1 11 00 00 00 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(Blank(BlankType::kFullDisc, false)), "a1 00 00 00 00 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(Blank(BlankType::kTrackTail, true, 0x00012345)),
            "a1 14 00 01 23 45 00 00 00 00 00 00");
  EXPECT_EQ(Hex(Blank(BlankType::kSession, false)), "a1 06 00 00 00 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(CloseTrackSession(CloseFunction::kCloseTrack, 3, false)),
            "5b 00 01 00 00 03 00 00 00 00");
  EXPECT_EQ(Hex(CloseTrackSession(CloseFunction::kFinalizeMinimalRadius, 0, true)),
            "5b 01 05 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(CloseTrackSession(CloseFunction::kFinalizeDisc, 0x0102, false)),
            "5b 00 06 00 01 02 00 00 00 00");
  EXPECT_EQ(Hex(FormatUnit()), "04 11 00 00 00 00");
  EXPECT_EQ(Hex(GetConfiguration(ConfigurationRequestType::kCurrent, 0x0107, 0xFFFF)),
            "46 01 01 07 00 00 00 ff ff 00");
  EXPECT_EQ(Hex(GetEventStatusNotification(0x10, 8)), "4a 01 00 00 10 00 00 00 08 00");
  EXPECT_EQ(Hex(GetPerformance(true, PerformanceExcept::kNominal, 0, 4)),
            "ac 14 00 00 00 00 00 00 00 04 00 00");
  EXPECT_EQ(Hex(GetPerformance(false, PerformanceExcept::kAll, 0x1000, 0x100)),
            "ac 11 00 00 10 00 00 00 01 00 00 00");
  EXPECT_EQ(Hex(MechanismStatus(8)), "bd 00 00 00 00 00 00 00 00 08 00 00");
  EXPECT_EQ(Hex(PreventAllowMediumRemoval(true, true)), "1e 00 00 00 03 00");
  EXPECT_EQ(Hex(Read10(0x01020304, 0x0506, true)), "28 08 01 02 03 04 00 05 06 00");
  EXPECT_EQ(Hex(Read12(0xAABBCCDD, 0x11223344, false, true)),
            "a8 00 aa bb cc dd 11 22 33 44 80 00");
  EXPECT_EQ(Hex(ReadBufferCapacity(true, 12)), "5c 01 00 00 00 00 00 00 0c 00");
  // READ CD of one raw 2352-byte sector (SYNC + all headers + user data + EDC/ECC = F8h)
  // with raw P-W sub-channel.
  ReadCdFields raw{true, HeaderCodes::kAllHeaders, true, true, C2ErrorField::kNone};
  EXPECT_EQ(Hex(ReadCd(ExpectedSectorType::kAny, 16, 1, raw, SubChannelSelection::kRawPw)),
            "be 00 00 00 00 10 00 00 01 f8 01 00");
  // Mode 1 user data only (10h), 27 sectors, with C2 pointers and block errors.
  ReadCdFields mode1{false, HeaderCodes::kNone, true, false, C2ErrorField::kC2AndBlockError};
  EXPECT_EQ(Hex(ReadCd(ExpectedSectorType::kMode1, 0x00ABCDEF, 27, mode1, SubChannelSelection::kQ)),
            "be 08 00 ab cd ef 00 00 1b 14 02 00");
  EXPECT_EQ(Hex(ReadCd(ExpectedSectorType::kCdDa, 0, 0x010203, ReadCdFields{},
                       SubChannelSelection::kRw, true)),
            "be 06 00 00 00 00 01 02 03 10 04 00");
  EXPECT_EQ(Hex(ReadDiscInformation(4096, DiscInformationType::kTrackResources)),
            "51 01 00 00 00 00 00 10 00 00");
  EXPECT_EQ(Hex(ReadDiscStructure(DiscStructureMedia::kDvd, 0, 0, 0x00, 2052)),
            "ad 00 00 00 00 00 00 00 08 04 00 00");
  EXPECT_EQ(Hex(ReadDiscStructure(DiscStructureMedia::kDvd, 0x30000, 1, 0x0D, 0x8004, 2)),
            "ad 00 00 03 00 00 01 0d 80 04 80 00");
  EXPECT_EQ(Hex(ReadDiscStructure(DiscStructureMedia::kBd, 0, 0, 0x00, 4100)),
            "ad 01 00 00 00 00 00 00 10 04 00 00");
  EXPECT_EQ(Hex(ReadTocPmaAtip(TocFormat::kToc, true, 1, 0x0324)), "43 02 00 00 00 00 01 03 24 00");
  EXPECT_EQ(Hex(ReadTocPmaAtip(TocFormat::kSessionInfo, false, 0, 12)),
            "43 00 01 00 00 00 00 00 0c 00");
  EXPECT_EQ(Hex(ReadTocPmaAtip(TocFormat::kFullToc, false, 1, 0xFFFF)),
            "43 00 02 00 00 00 01 ff ff 00");
  EXPECT_EQ(Hex(ReadTocPmaAtip(TocFormat::kPma, false, 0, 4)), "43 00 03 00 00 00 00 00 04 00");
  EXPECT_EQ(Hex(ReadTocPmaAtip(TocFormat::kAtip, false, 0, 28)), "43 00 04 00 00 00 00 00 1c 00");
  EXPECT_EQ(Hex(ReadTocPmaAtip(TocFormat::kCdText, false, 0, 4)), "43 00 05 00 00 00 00 00 04 00");
  EXPECT_EQ(Hex(ReadTrackInformation(TrackAddressType::kLba, 0x00223344, 48)),
            "52 00 00 22 33 44 00 00 30 00");
  EXPECT_EQ(Hex(ReadTrackInformation(TrackAddressType::kSessionNumber, 2, 48)),
            "52 02 00 00 00 02 00 00 30 00");
  EXPECT_EQ(Hex(ReadTrackInformation(TrackAddressType::kTrackNumber, 0, 48, true)),
            "52 05 00 00 00 00 00 00 30 00");
  EXPECT_EQ(Hex(RepairTrack(2, true)), "58 01 00 00 00 02 00 00 00 00");
  EXPECT_EQ(Hex(ReserveTrack(0x0022AB80)), "53 00 00 00 00 00 22 ab 80 00");
  EXPECT_EQ(Hex(ReserveTrackToLba(0x00123456)), "53 01 00 12 34 56 00 00 00 00");
  EXPECT_EQ(Hex(SendCueSheet(0x000120)), "5d 00 00 00 00 00 00 01 20 00");
  EXPECT_EQ(Hex(SendDiscStructure(DiscStructureMedia::kDvd, 0x20, 12)),
            "bf 00 00 00 00 00 00 20 00 0c 00 00");
  EXPECT_EQ(Hex(SendDiscStructure(DiscStructureMedia::kBd, 0x30, 0x0100, 1)),
            "bf 01 00 00 00 00 00 30 01 00 40 00");
  EXPECT_EQ(Hex(SendOpcInformation(true)), "54 01 00 00 00 00 00 00 00 00");
  EXPECT_EQ(Hex(SendOpcInformation(false, 8, true, true)), "54 00 03 00 00 00 00 00 08 00");
  EXPECT_EQ(Hex(SetCdSpeed(0xFFFF, 1764)), "bb 00 ff ff 06 e4 00 00 00 00 00 00");
  EXPECT_EQ(Hex(SetCdSpeed(7056, 0xFFFF, RotationalControl::kCav)),
            "bb 01 1b 90 ff ff 00 00 00 00 00 00");
  EXPECT_EQ(Hex(SetStreaming(0x0100, 5)), "b6 00 00 00 00 00 00 00 05 01 00 00");
  EXPECT_EQ(Hex(StartStopUnit(false, true, true)), "1b 01 00 00 02 00");  // eject, IMMED
  EXPECT_EQ(Hex(StartStopUnit(false, false, false, PowerCondition::kStandby)), "1b 00 00 00 30 00");
  EXPECT_EQ(Hex(SynchronizeCache(false, 0x100, 0x20)), "35 00 00 00 01 00 00 00 20 00");
  EXPECT_EQ(Hex(Write10(0xFFFFFFFF, 0xFFFF, true)), "2a 08 ff ff ff ff 00 ff ff 00");
  EXPECT_EQ(Hex(Write12(0x00100000, 0x00000020, false, true)),
            "aa 00 00 10 00 00 00 00 00 20 80 00");
  EXPECT_EQ(Hex(Write12(1, 2, true)), "aa 08 00 00 00 01 00 00 00 02 00 00");
  EXPECT_EQ(Hex(WriteAndVerify10(0x40, 16)), "2e 00 00 00 00 40 00 00 10 00");
  EXPECT_EQ(Hex(Verify10(0x40, 16)), "2f 00 00 00 00 40 00 00 10 00");
  EXPECT_EQ(Hex(Seek10(0x1234)), "2b 00 00 00 12 34 00 00 00 00");
}

TEST(CdbTest, FormatUnitParameterList) {
  // growisofs / libburn DVD+RW background format: FOV + IMMED, type 26h, all blocks.
  FormatUnitParameters plus_rw;
  plus_rw.format_options_valid = true;
  plus_rw.immediate = true;
  plus_rw.number_of_blocks = 0xFFFFFFFF;
  plus_rw.type = FormatType::kDvdPlusRwFull;
  EXPECT_EQ(CdbToHex(EncodeFormatUnitParameters(plus_rw)), "00 82 00 08 ff ff ff ff 98 00 00 00");
  // BD-RE full format with spares, subtype 10b (quick certification), 2048-byte blocks.
  FormatUnitParameters bd;
  bd.immediate = false;
  bd.number_of_blocks = 0x00B29C00;
  bd.type = FormatType::kBdReFullWithSpare;
  bd.subtype = 2;
  bd.type_dependent = 0x000800;
  EXPECT_EQ(CdbToHex(EncodeFormatUnitParameters(bd)), "00 00 00 08 00 b2 9c 00 c2 00 08 00");
}

TEST(CdbTest, OpcodeNamesAndLengths) {
  EXPECT_EQ(OpcodeName(0x52), "READ TRACK INFORMATION");
  EXPECT_EQ(OpcodeName(0x5B), "CLOSE TRACK/SESSION");
  EXPECT_EQ(OpcodeName(0xBE), "READ CD");
  EXPECT_EQ(OpcodeName(0xFF), "");
  EXPECT_EQ(CdbLengthForOpcode(0x00), 6u);
  EXPECT_EQ(CdbLengthForOpcode(0x2A), 10u);
  EXPECT_EQ(CdbLengthForOpcode(0x5A), 10u);
  EXPECT_EQ(CdbLengthForOpcode(0x88), 16u);
  EXPECT_EQ(CdbLengthForOpcode(0xA8), 12u);
  EXPECT_EQ(CdbLengthForOpcode(0xBE), 12u);
  EXPECT_EQ(CdbLengthForOpcode(0xC0), 0u);
  // Every named opcode's builder length agrees with its group.
  EXPECT_EQ(CdbLengthForOpcode(Blank(BlankType::kMinimal, true)[0]), 12u);
  EXPECT_EQ(CdbLengthForOpcode(SendCueSheet(8)[0]), 10u);
  EXPECT_EQ(CdbLengthForOpcode(FormatUnit()[0]), 6u);
}

// Every builder's opcode has a name and a group whose CDB length matches the builder.
template <std::size_t N>
void ExpectConsistent(const std::array<std::uint8_t, N>& cdb) {
  EXPECT_FALSE(OpcodeName(cdb[0]).empty()) << CdbToHex(cdb);
  EXPECT_EQ(CdbLengthForOpcode(cdb[0]), N) << CdbToHex(cdb);
  EXPECT_EQ(cdb[N - 1], 0) << "control byte of " << CdbToHex(cdb);
}

TEST(CdbTest, EveryBuilderMatchesItsOpcodeGroup) {
  ExpectConsistent(TestUnitReady());
  ExpectConsistent(RezeroUnit());
  ExpectConsistent(RequestSense(true, 0xFF));
  ExpectConsistent(Inquiry(0xFFFF));
  ExpectConsistent(ModeSense6(0x3F, PageControl::kSaved, 0xFF, true, 0xFF));
  ExpectConsistent(ModeSense10(0x3F, PageControl::kSaved, 0xFFFF, true, 0xFF));
  ExpectConsistent(ModeSelect6(0xFF, true));
  ExpectConsistent(ModeSelect10(0xFFFF, true));
  ExpectConsistent(ReadBuffer(0x1F, 0xFF, 0xFFFFFF, 0xFFFFFF));
  ExpectConsistent(Blank(BlankType::kSession, true, 0xFFFFFFFF));
  ExpectConsistent(CloseTrackSession(CloseFunction::kFinalizeDisc, 0xFFFF, true));
  ExpectConsistent(FormatUnit());
  ExpectConsistent(GetConfiguration(ConfigurationRequestType::kOne, 0xFFFF, 0xFFFF));
  ExpectConsistent(GetEventStatusNotification(0xFF, 0xFFFF));
  ExpectConsistent(GetPerformance(true, PerformanceExcept::kSome, 0xFFFFFFFF, 0xFFFF));
  ExpectConsistent(GetPerformanceOfType(PerformanceType::kDbiCacheZone, 0xFFFF, 0xFFFFFFFF));
  ExpectConsistent(MechanismStatus(0xFFFF));
  ExpectConsistent(PreventAllowMediumRemoval(true, true));
  ExpectConsistent(Read10(0xFFFFFFFF, 0xFFFF, true));
  ExpectConsistent(Read12(0xFFFFFFFF, 0xFFFFFFFF, true, true));
  ExpectConsistent(ReadBufferCapacity(true, 0xFFFF));
  ExpectConsistent(ReadCapacity());
  ExpectConsistent(ReadCd(
      ExpectedSectorType::kMode2Form2, 0xFFFFFFFF, 0xFFFFFF,
      ReadCdFields{true, HeaderCodes::kAllHeaders, true, true, C2ErrorField::kC2AndBlockError},
      SubChannelSelection::kRw, true));
  ExpectConsistent(ReadDiscInformation(0xFFFF, DiscInformationType::kPowResources));
  ExpectConsistent(ReadDiscStructure(DiscStructureMedia::kBd, 0xFFFFFFFF, 0xFF, 0xFF, 0xFFFF, 3));
  ExpectConsistent(ReadFormatCapacities(0xFFFF));
  ExpectConsistent(ReadTocPmaAtip(TocFormat::kCdText, true, 0xFF, 0xFFFF));
  ExpectConsistent(
      ReadTrackInformation(TrackAddressType::kSessionNumber, 0xFFFFFFFF, 0xFFFF, true));
  ExpectConsistent(RepairTrack(0xFFFF, true));
  ExpectConsistent(ReserveTrack(0xFFFFFFFF));
  ExpectConsistent(ReserveTrackToLba(0xFFFFFFFF));
  ExpectConsistent(SendCueSheet(0xFFFFFF));
  ExpectConsistent(SendDiscStructure(DiscStructureMedia::kBd, 0xFF, 0xFFFF, 3));
  ExpectConsistent(SendOpcInformation(true, 0xFFFF, true, true));
  ExpectConsistent(SetCdSpeed(0xFFFF, 0xFFFF, RotationalControl::kCav));
  ExpectConsistent(SetStreaming(0xFFFF, 0xFF));
  ExpectConsistent(StartStopUnit(true, true, true, PowerCondition::kSleep));
  ExpectConsistent(SynchronizeCache(true, 0xFFFFFFFF, 0xFFFF));
  ExpectConsistent(Write10(0xFFFFFFFF, 0xFFFF, true));
  ExpectConsistent(Write12(0xFFFFFFFF, 0xFFFFFFFF, true, true));
  ExpectConsistent(WriteAndVerify10(0xFFFFFFFF, 0xFFFF));
  ExpectConsistent(Verify10(0xFFFFFFFF, 0xFFFF));
  ExpectConsistent(Seek10(0xFFFFFFFF));
}

}  // namespace
}  // namespace mmc
