// Erase and format (burn/erase.h). MMC-5 r03c sections; MMC-6 keeps the layouts.
#include "burn/erase.h"

#include <thread>

namespace burn {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(500);
constexpr int kMaxPolls = 2 * 60 * 120;  // two hours at two polls a second

// Polls the drive after an IMMED command, forwarding its progress indication.
base::Status WaitWithProgress(mmc::Device& device, ProgressReporter& reporter, Action action) {
  return device.WaitUntilReady(kPollInterval, kMaxPolls, [&](std::uint16_t fraction) {
    reporter.Report(action, 0, 65536, fraction);
  });
}

// The formattable descriptor of `type` (MMC-5 6.24.3.3), or nullopt.
std::optional<mmc::FormatCapacities::Formattable> Descriptor(const mmc::FormatCapacities& caps,
                                                             mmc::FormatType type) {
  for (const auto& f : caps.formattable) {
    if (f.format_type == static_cast<std::uint8_t>(type)) return f;
  }
  return std::nullopt;
}

base::Status Format(mmc::Device& device, mmc::FormatType type, ProgressReporter& reporter,
                    const std::string& where) {
  ASSIGN_OR_RETURN(mmc::FormatCapacities caps, device.ReadFormatCapacities());
  mmc::FormatUnitParameters p;
  p.type = type;
  p.format_options_valid = true;
  p.immediate = true;
  if (auto d = Descriptor(caps, type)) {
    p.number_of_blocks = d->blocks;
    p.type_dependent = d->type_dependent;
  } else {
    p.number_of_blocks = caps.current.blocks;
  }
  reporter.Report(Action::kFormatting, 0, 0, 0, std::nullopt, true);
  if (auto st = device.FormatUnit(p); !st) return st.error().WithWhere(where);
  if (auto st = WaitWithProgress(device, reporter, Action::kFormatting); !st)
    return st.error().WithWhere(where);
  return base::Ok();
}

}  // namespace

base::Status FormatForWriting(mmc::Device& device, const MediumInfo& medium, bool full,
                              ProgressReporter& reporter) {
  switch (medium.kind) {
    case MediumKind::kDvdPlusRw:
      // MMC-5 6.5.4.2.14: format type 26h; the drive formats in the background.
      return Format(device, mmc::FormatType::kDvdPlusRwFull, reporter, "");
    case MediumKind::kBdRe:
      // MMC-5 6.5.4.2.15-16: 00h with the default spare areas, 30h certified.
      return Format(device,
                    full ? mmc::FormatType::kBdReFullWithSpare : mmc::FormatType::kFullFormat,
                    reporter, "");
    case MediumKind::kDvdRam:
      return Format(device, mmc::FormatType::kFullFormat, reporter, "");
    default:
      return base::Ok();
  }
}

base::Status Erase(mmc::Device& device, const EraseOptions& options) {
  ProgressReporter reporter(options.progress);
  reporter.Report(Action::kValidating, 0, 0, 0, std::nullopt, true);
  ASSIGN_OR_RETURN(MediumInfo medium, ProbeMedium(device));
  const std::string name = ProfileName(medium.profile);
  switch (medium.kind) {
    case MediumKind::kNone:
      return base::InvalidInput(options.where, "no medium in the drive");
    case MediumKind::kCd:
    case MediumKind::kDvdMinusSeq:
    case MediumKind::kDvdMinusRwRo: {
      if (!medium.erasable && medium.kind != MediumKind::kDvdMinusRwRo) {
        return base::InvalidInput(options.where,
                                  name + " is write-once: it cannot be erased (use a blank disc)");
      }
      // MMC-5 6.2.3: blanking type 000b blanks the whole disc, 001b the PMA/TOC (or the
      // lead-in and the first track's start on DVD-RW): a minimal blank. A restricted
      // overwrite DVD-RW becomes sequential again only by a full blank.
      const bool whole = options.full || medium.kind == MediumKind::kDvdMinusRwRo;
      reporter.Report(Action::kFormatting, 0, 0, 0, std::nullopt, true);
      if (auto st =
              device.Blank(whole ? mmc::BlankType::kFullDisc : mmc::BlankType::kMinimal, true);
          !st) {
        return st.error().WithWhere(options.where);
      }
      if (auto st = WaitWithProgress(device, reporter, Action::kFormatting); !st)
        return st.error().WithWhere(options.where);
      break;
    }
    case MediumKind::kDvdPlusRw:
      RETURN_IF_ERROR(Format(device, mmc::FormatType::kDvdPlusRwFull, reporter, options.where));
      break;
    case MediumKind::kBdRe:
      RETURN_IF_ERROR(Format(
          device, options.full ? mmc::FormatType::kBdReFullWithSpare : mmc::FormatType::kFullFormat,
          reporter, options.where));
      break;
    case MediumKind::kDvdRam:
      RETURN_IF_ERROR(Format(device, mmc::FormatType::kFullFormat, reporter, options.where));
      break;
    case MediumKind::kDvdPlusR:
    case MediumKind::kBdR:
      return base::InvalidInput(options.where,
                                name + " is write-once: it cannot be erased (use a blank disc)");
    case MediumKind::kReadOnly:
      return base::InvalidInput(options.where, name + " is a read-only disc");
    case MediumKind::kUnknown:
      return base::Unsupported(options.where, "cannot erase " + name);
  }
  reporter.Report(Action::kDone, 0, 0, 0, std::nullopt, true);
  return base::Ok();
}

}  // namespace burn
