// Opening the IMAGE of info / ls / extract / verify: an image file, a BIN/CUE or a virtual
// disc (`emu:FILE`), read at its last session unless --session names another
// (specs/readers.md, "Sessions"). Shared by those commands and `emu export`.
#ifndef MKIMG_MKIMG_IMAGE_OPEN_H_
#define MKIMG_MKIMG_IMAGE_OPEN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/block_device.h"
#include "base/error.h"
#include "fs/image_reader.h"
#include "fs/sessions.h"
#include "mkimg/json_writer.h"

namespace mkimg {

struct OpenedImage {
  std::unique_ptr<fs::ImageReader> reader;
  // The sessions found: the TOC of a virtual disc, the chain of volume descriptors of a
  // plain image (fs::FindImageSessions); empty when the image has no ISO 9660 session.
  std::vector<fs::SessionInfo> sessions;
  std::uint32_t session = 0;  // the number of the one read; 0 when `sessions` is empty
  bool virtual_disc = false;
};

// The host file IMAGE reads: "FILE" for "emu:FILE", else IMAGE.
std::string ImageHostFile(const std::string& image);

// The session numbered `wanted` (the last when nullopt) of `sessions`. kInvalidInput
// "--session" naming the sessions there are when there is no such session.
base::Expected<fs::SessionInfo> ChooseSession(const std::vector<fs::SessionInfo>& sessions,
                                              std::optional<std::uint32_t> wanted);

// Opens IMAGE for reading at session `session` (the last when nullopt). An image that
// cannot be opened is invalid input (exit 2); errors name IMAGE.
base::Expected<OpenedImage> OpenImage(const std::string& image,
                                      std::optional<std::uint32_t> session);

// `info`'s sessions: "sessions":[{number, start, size}] and "session" (the one read, null
// when there is none) into an open JSON object; one line per session as text.
void WriteSessions(const OpenedImage& image, JsonWriter& w);
void PrintSessions(const OpenedImage& image);

// Where `verify` expects the image file to end, in blocks: the largest volume space size
// read (`volume_blocks`) or the end of the last session, whichever is later (the volume
// read may be an earlier session); 0, no check, for a virtual disc (its tracks hold
// padding and run-out blocks) or when `volume_blocks` is 0.
std::uint64_t ExpectedImageBlocks(const OpenedImage& image, std::uint64_t volume_blocks);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_IMAGE_OPEN_H_
