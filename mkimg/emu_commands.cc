// emu new / info / export / fault: create, inspect, export and arm faults on persistent
// virtual discs (README.md, "Using mkimg"; specs/emulator.md §4 documents `emu fault`, an
// extension). `emu run` is registered by RegisterEmuRunCommand (emu_run_command.cc).
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/block_copy.h"
#include "base/block_sink.h"
#include "base/media.h"
#include "emulator/disc_device.h"
#include "emulator/virtual_disc.h"
#include "fs/sessions.h"
#include "mkimg/commands.h"
#include "mkimg/image_open.h"
#include "mkimg/json_writer.h"

namespace mkimg {
namespace {

std::string MediaNames() {
  std::string names;
  for (const base::MediaInfo& m : base::AllMedia()) {
    if (!names.empty()) names += ", ";
    names += m.name;
  }
  return names;
}

void PrintFaultsText(const emulator::Faults& f) {
  if (!f.any()) {
    std::printf("faults:     none\n");
    return;
  }
  std::printf("faults:\n");
  if (f.write_error_lba) std::printf("  write error at LBA %d\n", *f.write_error_lba);
  if (f.power_loss_after_writes)
    std::printf("  power loss after %" PRIu64 " writes\n", *f.power_loss_after_writes);
  if (f.remove_after_writes)
    std::printf("  medium removed after %" PRIu64 " writes\n", *f.remove_after_writes);
  if (f.slow_ms_per_command)
    std::printf("  slow medium: %u ms per read/write\n", f.slow_ms_per_command);
  if (f.wrong_medium) std::printf("  wrong medium: the drive refuses to record it\n");
}

const emulator::DataSession* FindData(const std::vector<emulator::DataSession>& sessions,
                                      std::uint32_t number) {
  for (const emulator::DataSession& d : sessions) {
    if (d.number == number) return &d;
  }
  return nullptr;
}

int Info(const std::string& file, bool json) {
  auto disc = emulator::VirtualDisc::Open(file);
  if (!disc) return ReportError(disc.error());
  const emulator::DiscSummary s = (*disc)->Summary();
  const base::MediaInfo& m = base::GetMediaInfo(s.media);
  const std::uint32_t readable = (*disc)->ReadableSectors();
  const std::vector<emulator::DataSession> data_sessions = emulator::DataSessions(**disc);
  if (json) {
    JsonWriter w;
    w.BeginObject();
    w.Key("file").String(file);
    w.Key("media").String(m.name);
    w.Key("display_name").String(m.display_name);
    w.Key("state").String(emulator::DiscStateName(s.state));
    w.Key("background_format").Uint(s.background_format);
    w.Key("capacity_sectors").Uint(s.capacity_sectors);
    w.Key("free_sectors").Uint(s.free_sectors);
    w.Key("readable_sectors").Uint(readable);
    w.Key("layer_break").Optional(s.layer_break);
    w.Key("store_bytes").Uint((*disc)->StorageBytes());
    w.Key("sessions").BeginArray();
    for (const auto& x : s.sessions) {
      const emulator::DataSession* data = FindData(data_sessions, x.number);
      w.BeginObject();
      w.Key("number").Uint(x.number);
      w.Key("start").Optional(data ? std::optional(data->start) : std::nullopt);
      w.Key("size").Optional(data ? std::optional(data->blocks) : std::nullopt);
      w.Key("first_track").Uint(x.first_track);
      w.Key("last_track").Uint(x.last_track);
      w.Key("closed").Bool(x.closed);
      w.EndObject();
    }
    w.EndArray();
    w.Key("tracks").BeginArray();
    for (const auto& t : s.tracks) {
      w.BeginObject();
      w.Key("number").Uint(t.number);
      w.Key("session").Uint(t.session);
      w.Key("start").Int(t.start_lba);
      w.Key("size").Uint(t.size);
      w.Key("recorded").Uint(t.recorded);
      w.Key("next_writable").Optional(t.next_writable);
      w.Key("mode").String(emulator::TrackModeName(t.mode));
      w.Key("state").String(emulator::TrackStateName(t.state));
      w.Key("block_size").Uint(t.block_size);
      w.EndObject();
    }
    w.EndArray();
    const emulator::Faults& f = s.faults;
    w.Key("faults").BeginObject();
    w.Key("write_error_lba").Optional(f.write_error_lba);
    w.Key("power_loss_after_writes").Optional(f.power_loss_after_writes);
    w.Key("remove_after_writes").Optional(f.remove_after_writes);
    w.Key("slow_ms_per_command").Uint(f.slow_ms_per_command);
    w.Key("wrong_medium").Bool(f.wrong_medium);
    w.EndObject();
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  std::printf("virtual disc: %s\n", file.c_str());
  std::printf("medium:     %s (%s), profile %04Xh\n", std::string(m.display_name).c_str(),
              std::string(m.name).c_str(), m.mmc_profile);
  std::printf("state:      %s", emulator::DiscStateName(s.state));
  if (s.background_format != 0) std::printf(" (background format %u/3)", s.background_format);
  std::printf("\ncapacity:   %u sectors, %u free, %u readable\n", s.capacity_sectors,
              s.free_sectors, readable);
  if (s.layer_break) std::printf("layer break: %u sectors on layer 0\n", *s.layer_break);
  std::printf("store:      %" PRIu64 " bytes on disk\n", (*disc)->StorageBytes());
  std::printf("sessions:   %zu\n", s.sessions.size());
  for (const auto& x : s.sessions) {
    std::printf("  session %u: tracks %u-%u, %s", x.number, x.first_track, x.last_track,
                x.closed ? "closed" : "open");
    if (const emulator::DataSession* data = FindData(data_sessions, x.number)) {
      std::printf(", data at LBA %d, %u blocks%s", data->start, data->blocks,
                  data == &data_sessions.back() ? " (read by default)" : "");
    }
    std::printf("\n");
  }
  for (const auto& t : s.tracks) {
    std::printf("  track %u: session %u, start %d, size %u, recorded %u, %s, %s, NWA %s\n",
                t.number, t.session, t.start_lba, t.size, t.recorded,
                emulator::TrackModeName(t.mode), emulator::TrackStateName(t.state),
                t.next_writable ? std::to_string(*t.next_writable).c_str() : "-");
  }
  PrintFaultsText(s.faults);
  return 0;
}

struct ExportArgs {
  std::string file, output;
  std::optional<std::uint32_t> session, track;
};

// specs/emulator.md §4, "Export": by default the whole data area as a reader of the disc
// sees it (the last session's volume descriptors at block 16); --session N the data area
// up to the end of session N as recorded; --track N one track.
int Export(const ExportArgs& args) {
  if (args.session && args.track) {
    return ReportError(base::InvalidInput("--track", "give --session or --track, not both"));
  }
  auto disc = emulator::VirtualDisc::Open(args.file);
  if (!disc) return ReportError(disc.error());
  std::vector<base::InputFile> inputs;
  if (auto d = base::IdentifyInput(args.file, "the virtual disc being exported")) {
    inputs.push_back(std::move(*d));
  }
  if (args.track) {
    auto track = emulator::PlanTrackExport(**disc, *args.track);
    if (!track) return ReportError(track.error());
    auto sink = base::OpenFileSink(args.output, track->bytes(), inputs);
    if (!sink) return ReportError(sink.error());
    if (base::Status s = emulator::ExportTrack(**disc, *track, **sink); !s)
      return ReportError(s.error());
    if (base::Status c = (*sink)->Commit(); !c) return ReportError(c.error());
    return 0;
  }
  std::vector<fs::SessionInfo> sessions;
  for (const emulator::DataSession& s : emulator::DataSessions(**disc)) {
    sessions.push_back({s.number, static_cast<std::uint32_t>(s.start), s.blocks});
  }
  std::unique_ptr<base::BlockDevice> device = emulator::DiscBlockDevice(**disc);
  std::uint64_t blocks = device->size() / base::kBlockSize;
  if (args.session) {
    auto chosen = ChooseSession(sessions, args.session);
    if (!chosen) return ReportError(chosen.error());
    blocks = std::uint64_t{chosen->start} + chosen->blocks;
  } else if (!sessions.empty() && sessions.back().start != 0) {
    auto view = fs::SessionView(std::move(device), sessions.back().start,
                                sessions.back().start + sessions.back().blocks);
    if (!view) return ReportError(view.error().WithWhere(args.file));
    device = std::move(view).value();
  }
  auto sink = base::OpenFileSink(args.output, blocks * base::kBlockSize, inputs);
  if (!sink) return ReportError(sink.error());
  if (base::Status s = base::CopyDevice(*device, 0, blocks, **sink); !s)
    return ReportError(s.error());
  if (base::Status c = (*sink)->Commit(); !c) return ReportError(c.error());
  return 0;
}

struct FaultOptions {
  std::optional<std::int32_t> write_error_lba;
  std::optional<std::uint64_t> power_loss_after;
  std::optional<std::uint64_t> remove_after;
  std::optional<std::uint32_t> slow_ms;
  bool wrong_medium = false;
  bool clear = false;

  void Register(CLI::App* cmd) {
    cmd->add_option("--write-error", write_error_lba, "a WRITE covering this LBA fails (03/0C/00)");
    cmd->add_option("--power-loss-after", power_loss_after,
                    "power is lost after N WRITE commands (uncommitted data is lost)");
    cmd->add_option("--remove-after", remove_after,
                    "the medium is pulled out after N WRITE commands");
    cmd->add_option("--slow", slow_ms, "every READ/WRITE takes at least MS milliseconds");
    cmd->add_flag("--wrong-medium", wrong_medium,
                  "the drive refuses to record this disc (05/30/05)");
  }
  void Apply(emulator::Faults* f) const {
    if (clear) *f = emulator::Faults();
    if (write_error_lba) f->write_error_lba = *write_error_lba;
    if (power_loss_after) f->power_loss_after_writes = *power_loss_after;
    if (remove_after) f->remove_after_writes = *remove_after;
    if (slow_ms) f->slow_ms_per_command = *slow_ms;
    if (wrong_medium) f->wrong_medium = true;
  }
};

}  // namespace

void RegisterEmuCommands(CLI::App& app, Action* action) {
  CLI::App* emu = app.add_subcommand("emu", "virtual recorders and persistent virtual discs");
  emu->require_subcommand(1);

  struct NewArgs {
    std::string media, file;
    FaultOptions faults;
  };
  auto n = std::make_shared<NewArgs>();
  CLI::App* cnew = emu->add_subcommand("new", "create a blank virtual disc of a media type");
  cnew->add_option("MEDIA", n->media, "medium: " + MediaNames())->required();
  cnew->add_option("FILE", n->file, "the virtual disc file to create")->required();
  n->faults.Register(cnew);
  cnew->callback([n, action] {
    *action = [n] {
      auto type = base::ParseMediaName(n->media);
      if (!type) {
        return ReportError(base::InvalidInput(
            "command line",
            "unknown medium '" + n->media + "' (expected one of " + MediaNames() + ")"));
      }
      auto disc = emulator::VirtualDisc::Create(*type, n->file);
      if (!disc) return ReportError(disc.error());
      emulator::Faults f;
      n->faults.Apply(&f);
      if (f.any()) {
        (*disc)->set_faults(f);
        base::Status s = (*disc)->Commit();
        if (!s) return ReportError(s.error());
      }
      return 0;
    };
  });

  struct InfoArgs {
    std::string file;
    bool json = false;
  };
  auto i = std::make_shared<InfoArgs>();
  CLI::App* cinfo =
      emu->add_subcommand("info", "sessions, tracks, state and capacity of a virtual disc");
  cinfo->add_option("FILE", i->file, "virtual disc file")->required();
  cinfo->add_flag("--json", i->json, "machine-readable output");
  cinfo->callback([i, action] { *action = [i] { return Info(i->file, i->json); }; });

  auto e = std::make_shared<ExportArgs>();
  CLI::App* cexp =
      emu->add_subcommand("export",
                          "the written user data of a virtual disc as an image, read at its last "
                          "session (or one session or track)");
  cexp->add_option("FILE", e->file, "virtual disc file")->required();
  cexp->add_option("OUTPUT", e->output, "image file to write (atomically)")->required();
  cexp->add_option("--session", e->session,
                   "session N as recorded: the data area up to its end, nothing copied");
  cexp->add_option("--track", e->track,
                   "track N alone: data as 2048-byte sectors, audio as raw 2352-byte sectors "
                   "(the byte order of a .bin)");
  cexp->callback([e, action] { *action = [e] { return Export(*e); }; });

  struct FaultArgs {
    std::string file;
    FaultOptions faults;
  };
  auto f = std::make_shared<FaultArgs>();
  CLI::App* cfault = emu->add_subcommand("fault", "set or clear the faults a virtual disc injects");
  cfault->add_option("FILE", f->file, "virtual disc file")->required();
  f->faults.Register(cfault);
  cfault->add_flag("--clear", f->faults.clear, "remove every fault first");
  cfault->callback([f, action] {
    *action = [f] {
      auto disc = emulator::VirtualDisc::Open(f->file);
      if (!disc) return ReportError(disc.error());
      emulator::Faults faults = (*disc)->faults();
      f->faults.Apply(&faults);
      (*disc)->set_faults(faults);
      base::Status s = (*disc)->Commit();
      if (!s) return ReportError(s.error());
      return 0;
    };
  });

  RegisterEmuRunCommand(*emu, action);
}

}  // namespace mkimg
