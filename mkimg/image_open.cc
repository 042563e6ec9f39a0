// Opening an IMAGE at a session (image_open.h).
#include "mkimg/image_open.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "emulator/disc_device.h"
#include "emulator/virtual_disc.h"
#include "fs/raw_cd.h"
#include "mkimg/commands.h"

namespace mkimg {
namespace {

// A virtual disc's readable user data (emulator::DiscBlockDevice) that owns the disc.
class VirtualDiscDevice final : public base::BlockDevice {
 public:
  explicit VirtualDiscDevice(std::unique_ptr<emulator::VirtualDisc> disc)
      : disc_(std::move(disc)), device_(emulator::DiscBlockDevice(*disc_)) {}
  std::uint64_t size() const override { return device_->size(); }
  base::Status Read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    return device_->Read(offset, out);
  }

 private:
  std::unique_ptr<emulator::VirtualDisc> disc_;
  std::unique_ptr<base::BlockDevice> device_;
};

std::string SessionNumbers(const std::vector<fs::SessionInfo>& sessions) {
  if (sessions.empty()) return "no ISO 9660 session";
  std::string list;
  for (const fs::SessionInfo& s : sessions) {
    if (!list.empty()) list += ", ";
    list += std::to_string(s.number);
  }
  return (sessions.size() == 1 ? "session " : "sessions ") + list;
}

}  // namespace

std::string ImageHostFile(const std::string& image) {
  return image.rfind("emu:", 0) == 0 ? image.substr(4) : image;
}

base::Expected<fs::SessionInfo> ChooseSession(const std::vector<fs::SessionInfo>& sessions,
                                              std::optional<std::uint32_t> wanted) {
  if (!wanted && !sessions.empty()) return sessions.back();
  for (const fs::SessionInfo& s : sessions) {
    if (wanted && s.number == *wanted) return s;
  }
  return base::InvalidInput(
      "--session", "no session " + (wanted ? std::to_string(*wanted) : std::string("to read")) +
                       ": the image has " + SessionNumbers(sessions));
}

base::Expected<OpenedImage> OpenImage(const std::string& image,
                                      std::optional<std::uint32_t> session) {
  OpenedImage opened;
  std::unique_ptr<base::BlockDevice> device;
  if (IsCueSheet(image)) {
    // A BIN/CUE: its data tracks' user data (specs/rawcd.md "Reading"), one session.
    if (session && *session != 1) {
      return base::InvalidInput("--session", "a BIN/CUE image holds session 1 only");
    }
    session.reset();
    ASSIGN_OR_RETURN(fs::CueSheet sheet, fs::ReadCueSheet(image));
    ASSIGN_OR_RETURN(device, fs::OpenCueData(sheet));
  } else if (image.rfind("emu:", 0) == 0) {
    const std::string file = ImageHostFile(image);
    // A virtual disc: its sessions are those of its TOC.
    auto disc = emulator::VirtualDisc::Open(file);
    if (!disc) return base::InvalidInput(disc.error().where(), disc.error().what());
    for (const emulator::DataSession& s : emulator::DataSessions(**disc)) {
      opened.sessions.push_back({s.number, static_cast<std::uint32_t>(s.start), s.blocks});
    }
    if (opened.sessions.empty()) {
      return base::InvalidInput(file, "the virtual disc holds no recorded data track");
    }
    device = std::make_unique<VirtualDiscDevice>(std::move(disc).value());
    opened.virtual_disc = true;
  } else {
    auto file_device = base::OpenImageFile(image);
    // README.md, "Using mkimg": an image that cannot be opened is invalid input (exit 2).
    if (!file_device) {
      return base::InvalidInput(file_device.error().where(), file_device.error().what());
    }
    device = std::move(file_device).value();
    auto found = fs::FindImageSessions(*device);
    if (!found) return found.error().WithWhere(image);
    opened.sessions = std::move(found).value();
  }
  if (!opened.sessions.empty() || session) {
    ASSIGN_OR_RETURN(fs::SessionInfo chosen, ChooseSession(opened.sessions, session));
    opened.session = chosen.number;
    auto view = fs::SessionView(std::move(device), chosen.start, chosen.start + chosen.blocks);
    if (!view) return view.error().WithWhere(image);
    device = std::move(view).value();
  }
  auto reader = fs::ImageReader::Open(std::move(device));
  if (!reader) return reader.error().WithWhere(image);
  opened.reader = std::move(reader).value();
  return opened;
}

void WriteSessions(const OpenedImage& image, JsonWriter& w) {
  w.Key("sessions").BeginArray();
  for (const fs::SessionInfo& x : image.sessions) {
    w.BeginObject();
    w.Key("number").Uint(x.number);
    w.Key("start").Uint(x.start);
    w.Key("size").Uint(x.blocks);
    w.EndObject();
  }
  w.EndArray();
  w.Key("session").Optional(image.session ? std::optional(image.session) : std::nullopt);
}

void PrintSessions(const OpenedImage& image) {
  for (const fs::SessionInfo& x : image.sessions) {
    std::printf("session %u: start LBA %u, %u blocks%s\n", x.number, x.start, x.blocks,
                x.number == image.session ? " (read)" : "");
  }
}

std::uint64_t ExpectedImageBlocks(const OpenedImage& image, std::uint64_t volume_blocks) {
  if (image.virtual_disc || volume_blocks == 0) return 0;
  if (image.sessions.empty()) return volume_blocks;
  const fs::SessionInfo& last = image.sessions.back();
  return std::max<std::uint64_t>(volume_blocks, std::uint64_t{last.start} + last.blocks);
}

}  // namespace mkimg
