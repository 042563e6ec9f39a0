// libFuzzer target for the mmc response, parameter-list and sense parsers (SPC-4 4.5,
// MMC-6 clauses 5-7 as implemented in mmc/). Every parser runs over the input; each value
// that parses is encoded again and re-parsed, and the second parse must succeed and equal
// the first (the codecs' round-trip contract). Any crash, sanitizer report or CHECK failure
// is a bug. Target name: mmc_response_fuzzer; links mkimg_mmc.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"
#include "mmc/configuration.h"
#include "mmc/cue_sheet.h"
#include "mmc/disc_info.h"
#include "mmc/disc_structure.h"
#include "mmc/inquiry.h"
#include "mmc/mode_pages.h"
#include "mmc/performance.h"
#include "mmc/sense.h"
#include "mmc/toc.h"

namespace {

using Span = std::span<const std::uint8_t>;

template <typename T>
void RoundTrip(Span data) {
  auto first = T::Parse(data);
  if (!first) return;
  std::vector<std::uint8_t> encoded = mmc::Encode(*first);
  auto second = T::Parse(encoded);
  CHECK(second.has_value());
  CHECK(*second == *first);
}

template <typename F>
void FeatureRoundTrip(const mmc::FeatureDescriptor& d) {
  auto first = F::FromDescriptor(d);
  if (!first) return;
  auto second = F::FromDescriptor(first->ToDescriptor());
  CHECK(second.has_value());
  CHECK(*second == *first);
  CHECK(first->ToDescriptor().data.size() <= 255);
}

template <typename P>
void PageRoundTrip(const mmc::ModePage& page) {
  auto first = P::FromPage(page);
  if (!first) return;
  mmc::ModePage again = first->ToPage();
  CHECK(again.data.size() <= 255);
  auto second = P::FromPage(again);
  CHECK(second.has_value());
  CHECK(*second == *first);
}

void ModePages(const mmc::ModeParameterList& list) {
  for (const mmc::ModePage& page : list.pages) {
    PageRoundTrip<mmc::ErrorRecoveryPage>(page);
    PageRoundTrip<mmc::WriteParametersPage>(page);
    PageRoundTrip<mmc::PowerConditionPage>(page);
    PageRoundTrip<mmc::CapabilitiesPage>(page);
  }
}

void Mode(Span data, bool ten) {
  auto first = ten ? mmc::ModeParameterList::Parse10(data) : mmc::ModeParameterList::Parse6(data);
  if (!first) return;
  ModePages(*first);
  std::vector<std::uint8_t> encoded;
  base::ByteWriter w(&encoded);
  if (ten) {
    first->Encode10To(w);
  } else {
    first->Encode6To(w);
  }
  // The mode data length field bounds what a header can describe.
  if (encoded.size() > (ten ? 0xFFFFu + 2 : 0xFFu + 1)) return;
  auto second =
      ten ? mmc::ModeParameterList::Parse10(encoded) : mmc::ModeParameterList::Parse6(encoded);
  CHECK(second.has_value());
  CHECK(*second == *first);
}

void Sense(Span data) {
  auto first = mmc::SenseData::Parse(data);
  if (!first) return;
  (void)first->ToString();
  bool fixed = (data[0] & 0x7F) == 0x70 || (data[0] & 0x7F) == 0x71;
  auto second = mmc::SenseData::Parse(fixed ? first->EncodeFixed() : first->EncodeDescriptor());
  CHECK(second.has_value());
  CHECK(*second == *first);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  Span data(bytes, size);
  Sense(data);
  RoundTrip<mmc::InquiryData>(data);
  RoundTrip<mmc::DiscInformation>(data);
  RoundTrip<mmc::TrackInformation>(data);
  RoundTrip<mmc::ReadCapacityData>(data);
  RoundTrip<mmc::FormatCapacities>(data);
  RoundTrip<mmc::BufferCapacity>(data);
  RoundTrip<mmc::EventStatus>(data);
  RoundTrip<mmc::Toc>(data);
  RoundTrip<mmc::SessionInfo>(data);
  RoundTrip<mmc::RawToc>(data);
  RoundTrip<mmc::Atip>(data);
  RoundTrip<mmc::CdText>(data);
  RoundTrip<mmc::PerformanceData>(data);
  RoundTrip<mmc::WriteSpeedData>(data);
  RoundTrip<mmc::StreamingDescriptor>(data);
  RoundTrip<mmc::DvdPhysicalFormat>(data);
  RoundTrip<mmc::DvdRecordingManagementData>(data);
  RoundTrip<mmc::DvdPreRecordedLeadIn>(data);
  RoundTrip<mmc::BdDiscInformation>(data);
  RoundTrip<mmc::CueSheet>(data);
  Mode(data, false);
  Mode(data, true);
  auto config = mmc::Configuration::Parse(data);
  if (config) {
    std::vector<std::uint8_t> encoded = mmc::Encode(*config);
    auto again = mmc::Configuration::Parse(encoded);
    CHECK(again.has_value());
    CHECK(*again == *config);
    for (const mmc::FeatureDescriptor& d : config->features) {
      FeatureRoundTrip<mmc::ProfileListFeature>(d);
      FeatureRoundTrip<mmc::CoreFeature>(d);
      FeatureRoundTrip<mmc::MorphingFeature>(d);
      FeatureRoundTrip<mmc::RemovableMediumFeature>(d);
      FeatureRoundTrip<mmc::RandomReadableFeature>(d);
      FeatureRoundTrip<mmc::CdReadFeature>(d);
      FeatureRoundTrip<mmc::DvdReadFeature>(d);
      FeatureRoundTrip<mmc::RandomWritableFeature>(d);
      FeatureRoundTrip<mmc::IncrementalStreamingFeature>(d);
      FeatureRoundTrip<mmc::FormattableFeature>(d);
      FeatureRoundTrip<mmc::DefectManagementFeature>(d);
      FeatureRoundTrip<mmc::DvdPlusRwFeature>(d);
      FeatureRoundTrip<mmc::DvdPlusRFeature>(d);
      FeatureRoundTrip<mmc::RigidRestrictedOverwriteFeature>(d);
      FeatureRoundTrip<mmc::CdTrackAtOnceFeature>(d);
      FeatureRoundTrip<mmc::CdMasteringFeature>(d);
      FeatureRoundTrip<mmc::DvdMinusRWriteFeature>(d);
      FeatureRoundTrip<mmc::LayerJumpRecordingFeature>(d);
      FeatureRoundTrip<mmc::CdRwMediaWriteSupportFeature>(d);
      FeatureRoundTrip<mmc::BdReadFeature>(d);
      FeatureRoundTrip<mmc::BdWriteFeature>(d);
      FeatureRoundTrip<mmc::TimeoutFeature>(d);
      FeatureRoundTrip<mmc::RealTimeStreamingFeature>(d);
    }
  }
  return 0;
}
