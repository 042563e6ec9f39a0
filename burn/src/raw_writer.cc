// Raw Disc-at-Once from a BIN/CUE (burn/raw_writer.h). MMC-5 r03c sections.
#include "burn/raw_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

#include "base/block_device.h"
#include "burn/medium.h"
#include "cd/msf.h"

namespace burn {

namespace {

constexpr std::uint32_t kSector = 2352;
constexpr std::uint32_t kPerWrite = 27;

// ISRC (IEC 60908 17.5.1.4): five of 0-9/A-Z, then seven digits.
bool ValidIsrc(const std::string& i) {
  if (i.size() != 12) return false;
  for (std::size_t k = 0; k < 12; ++k) {
    const auto c = static_cast<unsigned char>(i[k]);
    if (k < 5 ? !(std::isdigit(c) || (c >= 'A' && c <= 'Z')) : !std::isdigit(c)) return false;
  }
  return true;
}

// The CD-TEXT packs of a CDTEXTFILE: whole 18-byte packs (a trailing byte, as cdrdao's
// .cdt files have, is ignored).
base::Expected<std::vector<std::uint8_t>> ReadCdText(const std::string& path) {
  std::vector<std::uint8_t> bytes;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::IoError(path, "cannot open the CD-TEXT file");
  std::uint8_t chunk[4096];
  for (;;) {
    const ssize_t r = ::read(fd, chunk, sizeof chunk);
    if (r < 0) {
      ::close(fd);
      return base::IoError(path, "cannot read the CD-TEXT file");
    }
    if (r == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + r);
    if (bytes.size() > 8 * 256 * 18 + 18) {
      ::close(fd);
      return base::InvalidInput(path, "more CD-TEXT than 8 blocks of 256 packs");
    }
  }
  ::close(fd);
  bytes.resize(bytes.size() / 18 * 18);
  if (bytes.empty()) return base::InvalidInput(path, "no CD-TEXT pack (18 bytes) in the file");
  return bytes;
}

std::optional<std::uint32_t> ParseMsf(const std::string& s) {
  unsigned m = 0, sec = 0, f = 0;
  char c1 = 0, c2 = 0;
  std::istringstream in(s);
  if (!(in >> m >> c1 >> sec >> c2 >> f) || c1 != ':' || c2 != ':' || sec >= 60 || f >= 75)
    return std::nullopt;
  return (m * 60 + sec) * 75 + f;
}

}  // namespace

base::Expected<CueImage> ParseCue(const std::string& text, const std::string& name,
                                  const std::string& folder) {
  CueImage image;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  auto bad = [&](const std::string& what) {
    return base::InvalidInput(name + ":" + std::to_string(number), what);
  };
  while (std::getline(lines, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream in(line);
    std::string word;
    if (!(in >> word)) continue;
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (word == "FILE" || word == "CDTEXTFILE") {
      if (word == "FILE" && !image.bin.empty()) return bad("only one FILE is supported");
      std::string rest;
      std::getline(in, rest);
      const auto q1 = rest.find('"');
      const auto q2 = rest.rfind('"');
      std::string file, type;
      if (q1 != std::string::npos && q2 > q1) {
        file = rest.substr(q1 + 1, q2 - q1 - 1);
        std::istringstream t(rest.substr(q2 + 1));
        t >> type;
      } else {
        std::istringstream t(rest);
        t >> file >> type;
      }
      const std::string path = !file.empty() && file[0] == '/' ? file : folder + "/" + file;
      if (word == "CDTEXTFILE") {
        image.cdtext = path;
        continue;
      }
      if (type != "BINARY") return bad("FILE type \"" + type + "\": only BINARY is supported");
      image.bin = path;
    } else if (word == "TRACK") {
      unsigned n = 0;
      std::string mode;
      if (!(in >> n >> mode) || n < 1 || n > 99) return bad("TRACK needs a number 1-99 and a mode");
      if (n != image.tracks.size() + 1) return bad("tracks must be numbered 1, 2, 3, ...");
      CueTrack t;
      t.number = static_cast<std::uint8_t>(n);
      if (mode == "AUDIO") {
        t.audio = true;
      } else if (mode == "MODE1/2352") {
        t.audio = false;
      } else {
        return bad("track mode \"" + mode + "\": AUDIO and MODE1/2352 are supported");
      }
      t.index1 = UINT32_MAX;
      image.tracks.push_back(t);
    } else if (word == "INDEX") {
      if (image.tracks.empty()) return bad("INDEX before TRACK");
      unsigned idx = 0;
      std::string at;
      if (!(in >> idx >> at)) return bad("INDEX needs a number and mm:ss:ff");
      auto sector = ParseMsf(at);
      if (!sector) return bad("\"" + at + "\" is not mm:ss:ff");
      if (idx == 0) {
        image.tracks.back().index0 = *sector;
      } else if (idx == 1) {
        image.tracks.back().index1 = *sector;
      }  // indexes above 1 carry no layout
    } else if (word == "ISRC") {
      if (image.tracks.empty()) return bad("ISRC before TRACK");
      in >> image.tracks.back().isrc;
    } else if (word == "CATALOG") {
      in >> image.catalog;
    } else if (word == "PREGAP" || word == "POSTGAP") {
      return bad(word +
                 " (silence the drive makes) is not supported; put the gap in the BIN "
                 "with INDEX 00");
    }
    // REM, TITLE, PERFORMER, SONGWRITER, FLAGS: no layout.
  }
  if (image.bin.empty()) return base::InvalidInput(name, "no FILE line");
  if (image.tracks.empty()) return base::InvalidInput(name, "no TRACK line");
  std::uint32_t last = 0;
  for (const CueTrack& t : image.tracks) {
    if (t.index1 == UINT32_MAX)
      return base::InvalidInput(name, "track " + std::to_string(t.number) + " has no INDEX 01");
    if ((t.index0 && (*t.index0 > t.index1 || *t.index0 < last)) || t.index1 < last) {
      return base::InvalidInput(name,
                                "track " + std::to_string(t.number) + ": indexes out of order");
    }
    last = t.index1;
  }
  if (image.tracks.front().index1 != 0 || image.tracks.front().index0) {
    return base::InvalidInput(name, "track 1 must start (INDEX 01) at 00:00:00 of the BIN");
  }
  return image;
}

base::Status BurnRawDao(mmc::Device& device, const CueImage& image, int bin_fd,
                        std::uint64_t bin_bytes, const RawBurnOptions& options) {
  const std::string& where = options.where;
  if (bin_bytes % kSector != 0 || bin_bytes == 0) {
    return base::InvalidInput(image.bin, "not a whole number of 2352-byte sectors");
  }
  const auto sectors = static_cast<std::uint32_t>(bin_bytes / kSector);
  if (image.tracks.back().index1 >= sectors) {
    return base::InvalidInput(image.bin, "the BIN ends before the last track starts");
  }
  ProgressReporter reporter(options.progress);
  reporter.Report(Action::kValidating, 0, sectors, 0, std::nullopt, true);
  auto medium = ProbeMedium(device);
  if (!medium) return medium.error().WithWhere(where);
  if (medium->kind != MediumKind::kCd || medium->state != MediumState::kBlank) {
    return base::InvalidInput(
        where, "Disc-at-Once needs a blank CD-R or CD-RW (found " + DescribeMedium(*medium) + ")");
  }
  if (sectors + 150 > medium->free_blocks + 150 || sectors > medium->free_blocks) {
    return base::InvalidInput(where, "the BIN holds " + std::to_string(sectors) +
                                         " sectors but the CD has " +
                                         std::to_string(medium->free_blocks) + " free");
  }
  reporter.Report(Action::kInitializing, 0, sectors, 0, std::nullopt, true);
  // Page 05h: SAO (MMC-5 7.5.4.2), MCN when the CUE has a CATALOG.
  mmc::WriteParametersPage page;
  if (auto sensed = device.ModeSense(mmc::WriteParametersPage::kCode); sensed) {
    if (const mmc::ModePage* p = sensed->Find(mmc::WriteParametersPage::kCode)) {
      if (auto parsed = mmc::WriteParametersPage::FromPage(*p)) page = *parsed;
    }
  }
  page.write_type = mmc::WriteType::kSessionAtOnce;
  page.data_block_type = 0;
  page.track_mode = image.tracks.front().audio ? 0 : 4;
  page.test_write = options.simulate;
  page.multi_session =
      options.close ? mmc::MultiSession::kNoNextSession : mmc::MultiSession::kNextSessionAllowed;
  page.media_catalog_number.fill(0);
  if (image.catalog.size() == 13) {
    page.media_catalog_number[0] = 0x80;
    std::memcpy(&page.media_catalog_number[1], image.catalog.data(), 13);
  }
  mmc::ModeParameterList list;
  list.pages.push_back(page.ToPage());
  if (auto st = device.ModeSelect(list); !st) return st.error().WithWhere(where);
  // The cue sheet (MMC-5 6.33.3): absolute times are BIN sector + 150 (track 1 INDEX 01 is
  // LBA 0). Audio is sent as 2352-byte CD-DA (form 00h), data as raw mode 1 sectors
  // (11h); the first pre-gap is sent as zeros (00h, or 10h: 2048-byte mode 1 the drive
  // frames); lead-in and lead-out are generated by the drive (01h / 14h).
  std::vector<std::uint8_t> cdtext = image.cdtext_packs;
  if (!image.cdtext.empty()) {
    auto packs = ReadCdText(image.cdtext);
    if (!packs) return packs.error();
    cdtext = std::move(*packs);
  }
  mmc::CueSheet sheet;
  auto entry = [](const CueTrack& t, std::uint8_t tno, std::uint8_t index, std::uint8_t form,
                  std::int32_t lba) {
    mmc::CueSheetEntry e;
    e.control = t.audio ? 0 : 4;
    e.adr = 1;
    e.track = tno;
    e.index = index;
    e.data_form = form;
    e.absolute_time = cd::LbaToMsf(lba);
    return e;
  };
  const CueTrack& first = image.tracks.front();
  // The catalog number (ADR 2, MMC-5 6.33.3.3): N1-N7, then N8-N13, in bytes 1-7.
  auto chars = [](mmc::CueSheetEntry& e, std::string_view c) {
    std::uint8_t b[6] = {};
    std::copy(c.begin(), c.end(), b);
    e.index = b[0];
    e.data_form = b[1];
    e.scms = b[2];
    e.absolute_time = cd::Msf{b[3], b[4], b[5]};
  };
  if (image.catalog.size() == 13 &&
      std::all_of(image.catalog.begin(), image.catalog.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    for (int half = 0; half < 2; ++half) {
      mmc::CueSheetEntry e;
      e.control = first.audio ? 0 : 4;
      e.adr = 2;
      const std::string_view digits(image.catalog);
      e.track = static_cast<std::uint8_t>(digits[half == 0 ? 0 : 7]);
      chars(e, half == 0 ? digits.substr(1, 6) : digits.substr(8, 5));
      sheet.entries.push_back(e);
    }
  }
  // The lead-in: generated by the drive, with the CD-TEXT packs the host sends in its R-W
  // (data form 41h, at the ATIP lead-in start) when there are any.
  std::int32_t lead_in = -150;
  sheet.entries.push_back(entry(first, 0, 0, first.audio ? 0x01 : 0x14, -150));
  sheet.entries.back().absolute_time = cd::Msf{0, 0, 0};
  if (!cdtext.empty()) {
    auto atip = device.ReadAtip();
    if (!atip) return atip.error().WithWhere(where);
    lead_in = cd::MsfToLba(atip->lead_in_start);
    if (lead_in >= -150) return base::InvalidInput(where, "the ATIP gives no lead-in start");
    sheet.entries.back().data_form = 0x41;
    sheet.entries.back().absolute_time = atip->lead_in_start;
  }
  // A track's ISRC (ADR 3, MMC-5 6.33.3.4) precedes its first entry: TNO with I1-I6, then
  // TNO with I7-I12.
  auto isrc = [&](const CueTrack& t) {
    if (!ValidIsrc(t.isrc)) return;
    for (int half = 0; half < 2; ++half) {
      mmc::CueSheetEntry e;
      e.control = t.audio ? 0 : 4;
      e.adr = 3;
      e.track = t.number;
      chars(e, std::string_view(t.isrc).substr(half == 0 ? 0 : 6, 6));
      sheet.entries.push_back(e);
    }
  };
  isrc(first);
  sheet.entries.push_back(entry(first, 1, 0, first.audio ? 0x00 : 0x10, -150));
  for (const CueTrack& t : image.tracks) {
    const std::uint8_t form = t.audio ? 0x00 : 0x11;
    if (t.number > 1) isrc(t);
    if (t.index0 && t.number > 1) {
      sheet.entries.push_back(entry(t, t.number, 0, form, static_cast<std::int32_t>(*t.index0)));
    }
    sheet.entries.push_back(entry(t, t.number, 1, form, static_cast<std::int32_t>(t.index1)));
  }
  const CueTrack& last = image.tracks.back();
  sheet.entries.push_back(
      entry(last, 0xAA, 1, last.audio ? 0x01 : 0x14, static_cast<std::int32_t>(sectors)));
  if (auto st = device.SendCueSheet(sheet); !st) return st.error().WithWhere(where);
  // CD-TEXT: 96 bytes of R-W per lead-in sector, four packs as 24 6-bit symbols each
  // (MMC-5 Annex J), the packs repeated to the end of the lead-in.
  if (!cdtext.empty()) {
    const std::size_t packs = cdtext.size() / 18;
    std::size_t next = 0;
    constexpr std::int32_t kLeadInPerWrite = 64;
    std::vector<std::uint8_t> sub(std::size_t{kLeadInPerWrite} * 96);
    for (std::int32_t lba = lead_in; lba < -150; lba += kLeadInPerWrite) {
      const std::int32_t n = std::min(kLeadInPerWrite, -150 - lba);
      for (std::int32_t i = 0; i < n; ++i) {
        std::uint8_t bytes[72];
        for (std::size_t k = 0; k < 4; ++k, next = (next + 1) % packs) {
          std::memcpy(bytes + 18 * k, &cdtext[next * 18], 18);
        }
        std::uint8_t* out = &sub[static_cast<std::size_t>(i) * 96];
        for (std::size_t j = 0, o = 0; j < 96; j += 4, o += 3) {
          out[j] = static_cast<std::uint8_t>(bytes[o] >> 2);
          out[j + 1] = static_cast<std::uint8_t>(((bytes[o] << 4) & 0x30) | (bytes[o + 1] >> 4));
          out[j + 2] =
              static_cast<std::uint8_t>(((bytes[o + 1] << 2) & 0x3C) | (bytes[o + 2] >> 6));
          out[j + 3] = static_cast<std::uint8_t>(bytes[o + 2] & 0x3F);
        }
      }
      if (auto st = device.Write10(
              static_cast<std::uint32_t>(lba), static_cast<std::uint16_t>(n),
              std::span<const std::uint8_t>(sub.data(), static_cast<std::size_t>(n) * 96));
          !st) {
        return base::Error(
            st.error().code(), where + ": lead-in " + std::to_string(lba),
            st.error().ToString() + "; the CD holds an unfinished session: " +
                (medium->erasable ? "erase it (mkimg erase)" : "it cannot be reused"));
      }
    }
  }
  // The first pre-gap, 150 sectors of zeros from LBA -150.
  const std::uint32_t gap_bytes = first.audio ? kSector : base::kBlockSize;
  std::vector<std::uint8_t> zeros(std::size_t{75} * gap_bytes, 0);
  for (std::int32_t lba = -150; lba < 0; lba += 75) {
    if (auto st = device.Write10(static_cast<std::uint32_t>(lba), 75, zeros); !st) {
      return base::Error(st.error().code(), where + ": " + base::LbaWhere(0),
                         st.error().ToString() + "; the CD holds an unfinished session: " +
                             (medium->erasable ? "erase it (mkimg erase)" : "it cannot be reused"));
    }
  }
  std::vector<std::uint8_t> buf(std::size_t{kPerWrite} * kSector);
  for (std::uint32_t done = 0; done < sectors;) {
    if (Cancelled(options.cancel)) {
      return base::Error(base::ErrorCode::kCancelled, where,
                         "cancelled at " + base::LbaWhere(done) +
                             "; the CD holds an unfinished Disc-at-Once session");
    }
    const std::uint32_t n = std::min(kPerWrite, sectors - done);
    const std::size_t bytes = std::size_t{n} * kSector;
    std::size_t got = 0;
    while (got < bytes) {
      const ssize_t r = ::pread(bin_fd, buf.data() + got, bytes - got,
                                static_cast<off_t>(std::uint64_t{done} * kSector + got));
      if (r <= 0) return base::IoError(image.bin, "the BIN ended or could not be read");
      got += static_cast<std::size_t>(r);
    }
    if (auto st = device.Write10(done, static_cast<std::uint16_t>(n),
                                 std::span<const std::uint8_t>(buf.data(), bytes));
        !st) {
      return base::Error(st.error().code(), where + ": " + base::LbaWhere(done),
                         st.error().ToString() + "; the CD holds an unfinished session: " +
                             (medium->erasable ? "erase it (mkimg erase)" : "it cannot be reused"));
    }
    done += n;
    reporter.Report(Action::kWriting, 0, sectors, done);
  }
  reporter.Report(Action::kFinalizing, 0, sectors, sectors, std::nullopt, true);
  // MMC-5 6.42: SYNCHRONIZE CACHE ends the Disc-at-Once session (lead-out written).
  if (auto st = device.SynchronizeCache(false); !st) return st.error().WithWhere(where);
  reporter.Report(Action::kDone, 0, sectors, sectors, std::nullopt, true);
  return base::Ok();
}

}  // namespace burn
