// mkimg burn, erase, drives and verify --drive (README.md, "Using mkimg"; specs/burn.md):
// the CLI composes the burn engine (burn/) with the image builder (fs/): a manifest is
// planned, a track of the planned size is opened on each drive, and fs::Emit streams the
// image straight into the drives; an image file is copied the same way. Nothing is staged.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/block_sink.h"
#include "burn/data_writer.h"
#include "burn/erase.h"
#include "burn/fan_out.h"
#include "burn/medium.h"
#include "burn/verify.h"
#include "fs/image_builder.h"
#include "fs/manifest.h"
#include "mkimg/burn_args.h"
#include "mkimg/burn_progress.h"
#include "mkimg/commands.h"
#include "mkimg/display.h"
#include "mkimg/drive_open.h"
#include "mkimg/json_writer.h"

namespace mkimg {
namespace {

// What is burned: an image file, or a manifest planned into a layout and emitted.
class Source {
 public:
  static base::Expected<std::unique_ptr<Source>> Open(const std::string& path) {
    auto s = std::unique_ptr<Source>(new Source());
    s->path_ = path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return base::ErrnoError(path, errno);
    s->fd_ = fd;
    struct stat st {};
    if (::fstat(fd, &st) != 0) return base::ErrnoError(path, errno);
    if (!S_ISREG(st.st_mode)) return base::InvalidInput(path, "not a regular file");
    // A manifest is JSON: its first non-blank byte is '{'.
    char head[64] = {};
    const ssize_t n = ::pread(fd, head, sizeof head, 0);
    bool json = false;
    for (ssize_t i = 0; i < n; ++i) {
      if (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t') continue;
      json = head[i] == '{';
      break;
    }
    if (!json) {
      s->bytes_ = static_cast<std::uint64_t>(st.st_size);
      if (s->bytes_ == 0) return base::InvalidInput(path, "the image is empty");
      if (base::BlocksFor(s->bytes_) > 0xFFFFFFFFull)
        return base::InvalidInput(path, "the image is larger than any medium");
      return s;
    }
    fs::LoadOptions options;
    if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) options.source_date_epoch = sde;
    options.now = static_cast<std::int64_t>(std::time(nullptr));
    std::vector<fs::Diagnostic> warnings;
    fs::DiagnosticSink diagnostics = [&](const fs::Diagnostic& d) { warnings.push_back(d); };
    ASSIGN_OR_RETURN(fs::ImageSpec spec, fs::LoadManifestFile(path, options, diagnostics));
    ASSIGN_OR_RETURN(s->layout_, fs::Plan(std::move(spec), diagnostics));
    for (const fs::Diagnostic& d : warnings) ReportWarning(d.where, d.what);
    s->bytes_ = s->layout_->total_bytes();
    return s;
  }
  ~Source() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool manifest() const { return layout_ != nullptr; }
  std::uint32_t blocks() const { return static_cast<std::uint32_t>(base::BlocksFor(bytes_)); }
  const std::string& path() const { return path_; }

  // Streams the whole image into `sink` (a second call streams it again).
  base::Status StreamInto(base::BlockSink& sink) const {
    if (layout_) return fs::Emit(*layout_, sink);
    RETURN_IF_ERROR(sink.CopyFrom(fd_, 0, bytes_, path_));
    if (bytes_ % base::kBlockSize != 0) {
      RETURN_IF_ERROR(sink.WriteZeros(base::kBlockSize - bytes_ % base::kBlockSize));
    }
    return base::Ok();
  }

 private:
  Source() = default;
  std::string path_;
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
  std::unique_ptr<fs::Layout> layout_;
};

base::Expected<burn::VerifyLevel> ParseVerify(const std::string& s) {
  if (s == "none") return burn::VerifyLevel::kNone;
  if (s == "quick") return burn::VerifyLevel::kQuick;
  if (s == "full") return burn::VerifyLevel::kFull;
  return base::InvalidInput("--verify " + s, "expected none, quick or full");
}

// --speed: "max", "Nx" (a multiple of the medium's 1x) or kB/s.
base::Status ParseSpeed(const std::string& s, burn::DataBurnOptions* o) {
  if (s.empty() || s == "max") return base::Ok();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !(v > 0) || v > 1e6) {
    return base::InvalidInput("--speed " + s, "expected max, a multiple such as 8x, or kB/s");
  }
  if (std::string(end) == "x" || std::string(end) == "X") {
    o->speed_multiple = v;
  } else if (*end == '\0') {
    o->speed_kbps = static_cast<std::uint32_t>(v);
  } else {
    return base::InvalidInput("--speed " + s, "expected max, a multiple such as 8x, or kB/s");
  }
  return base::Ok();
}

// The xxh3 of each DataWriter::kChunkBlocks chunk of a stream (what the data engine keeps
// while burning), for the quick verification of an image.
class ChunkHasher : public base::BlockSink {
 public:
  std::uint64_t position() const override { return pos_; }
  void Flush() {
    if (buf_.empty()) return;
    hashes_.push_back(XXH3_64bits(buf_.data(), buf_.size()));
    buf_.clear();
  }
  const std::vector<std::uint64_t>& hashes() const { return hashes_; }

 protected:
  base::Status DoWrite(std::span<const std::uint8_t> d) override {
    pos_ += d.size();
    const std::size_t chunk = std::size_t{burn::DataWriter::kChunkBlocks} * base::kBlockSize;
    while (!d.empty()) {
      const std::size_t n = std::min(chunk - buf_.size(), d.size());
      buf_.insert(buf_.end(), d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n));
      d = d.subspan(n);
      if (buf_.size() == chunk) Flush();
    }
    return base::Ok();
  }

 private:
  std::vector<std::uint8_t> buf_;
  std::vector<std::uint64_t> hashes_;
  std::uint64_t pos_ = 0;
};

struct Job {
  std::unique_ptr<OpenedDrive> drive;
  std::unique_ptr<burn::DataWriter> writer;
  std::optional<base::Error> error;
  double seconds = 0;
  std::string verified;
};

int RunBurn(const BurnArgs& args) {
  if (args.drives.empty()) return ReportError(base::InvalidInput("--drive", "name a drive"));
  if (args.inputs.size() == 1 &&
      (EndsWith(args.inputs.front(), ".cue") || EndsWith(args.inputs.front(), ".toc"))) {
    return RunRawDao(args);
  }
  if (args.inputs.size() > 1 || IsWav(args.inputs.front())) return RunAudio(args);
  if (!args.isrc.empty() || !args.mcn.empty()) {
    return ReportError(base::InvalidInput(!args.isrc.empty() ? "--isrc" : "--mcn",
                                          "applies to audio tracks (WAV inputs)"));
  }
  const std::string& input = args.inputs.front();
  if (args.close && args.append) {
    return ReportError(base::InvalidInput("--close", "--close and --append exclude each other"));
  }
  burn::DataBurnOptions options;
  options.close = args.close;
  options.simulate = args.simulate;
  if (auto st = ParseSpeed(args.speed, &options); !st) return ReportError(st.error());
  auto level = ParseVerify(args.verify);
  if (!level) return ReportError(level.error());
  if (args.write_mode == "sao") {
    options.mode = burn::WriteMode::kSao;
  } else if (args.write_mode == "tao") {
    options.mode = burn::WriteMode::kTao;
  } else if (args.write_mode != "auto") {
    return ReportError(
        base::InvalidInput("--write-mode " + args.write_mode, "expected auto, tao or sao"));
  }
  // Input errors first: the manifest is planned before a drive is touched.
  auto source = Source::Open(input);
  if (!source) return ReportError(source.error());
  auto drives = OpenDrives(args.drives);
  if (!drives) return ReportError(drives.error());

  BurnProgress progress(args.json);
  CancelOnSignal cancel;
  std::vector<Job> jobs(drives->size());
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].drive = std::move((*drives)[i]);
  const auto start = std::chrono::steady_clock::now();

  // Validate and prepare every drive; a drive that refuses is reported, the others burn.
  std::vector<base::BlockSink*> targets;
  std::vector<std::size_t> target_job;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    burn::DataBurnOptions o = options;
    o.where = jobs[i].drive->name;
    o.progress = progress.For(jobs[i].drive->name);
    o.cancel = cancel.flag();
    auto writer = burn::DataWriter::Open(*jobs[i].drive->device, (*source)->blocks(), o);
    if (!writer) {
      jobs[i].error = writer.error();
      continue;
    }
    jobs[i].writer = std::move(writer).value();
    targets.push_back(jobs[i].writer.get());
    target_job.push_back(i);
  }
  if (!targets.empty()) {
    // One stream, every drive at once.
    burn::FanOutSink fan(targets);
    base::Status streamed = (*source)->StreamInto(fan);
    base::Status drained = fan.Commit();
    for (std::size_t t = 0; t < targets.size(); ++t) {
      Job& job = jobs[target_job[t]];
      if (fan.error(t)) {
        job.error = *fan.error(t);
      } else if (!streamed) {
        // The source failed (a file changed since planning, a read error): say what the
        // medium holds now.
        job.error = base::Error(
            streamed.error().code(), streamed.error().where(),
            streamed.error().what() + "; " + job.drive->name + ": " + job.writer->AbandonedState());
      }
    }
    (void)drained;
    // Finish and verify every drive in parallel.
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      Job& job = jobs[target_job[t]];
      if (job.error) continue;
      threads.emplace_back([&job, &options, level = *level, &progress] {
        if (auto st = job.writer->Commit(); !st) {
          job.error = st.error();
          return;
        }
        if (options.simulate || level == burn::VerifyLevel::kNone) return;
        if (level == burn::VerifyLevel::kQuick) {
          if (auto st = burn::VerifyQuick(*job.drive->device, job.writer->start_lba(),
                                          job.writer->track_blocks(), job.writer->chunk_hashes(),
                                          job.drive->name, progress.For(job.drive->name));
              !st) {
            job.error = st.error();
            return;
          }
          job.verified = "quick";
        }
      });
    }
    for (auto& t : threads) t.join();
    if (*level == burn::VerifyLevel::kFull && !options.simulate) {
      // The source streamed a second time against every medium (IMAPI2's full verify).
      std::vector<std::unique_ptr<burn::VerifySink>> sinks;
      std::vector<base::BlockSink*> vtargets;
      std::vector<Job*> vjobs;
      for (std::size_t t = 0; t < targets.size(); ++t) {
        Job& job = jobs[target_job[t]];
        if (job.error) continue;
        sinks.push_back(std::make_unique<burn::VerifySink>(
            *job.drive->device, job.writer->start_lba(), (*source)->blocks(), job.drive->name,
            progress.For(job.drive->name), cancel.flag()));
        vtargets.push_back(sinks.back().get());
        vjobs.push_back(&job);
      }
      if (!vtargets.empty()) {
        burn::FanOutSink vfan(vtargets);
        base::Status streamed_again = (*source)->StreamInto(vfan);
        (void)vfan.Commit();
        for (std::size_t k = 0; k < vtargets.size(); ++k) {
          if (vfan.error(k)) {
            vjobs[k]->error = *vfan.error(k);
          } else if (!streamed_again) {
            vjobs[k]->error = streamed_again.error();
          } else if (auto st = sinks[k]->Commit(); !st) {
            vjobs[k]->error = st.error();
          } else {
            vjobs[k]->verified = "full";
          }
        }
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.Finish();
  int status = 0;
  for (Job& job : jobs) {
    if (auto st = job.drive->Close(); !st && !job.error) job.error = st.error();
    if (job.error) {
      status = std::max(status, ReportError(*job.error));
      continue;
    }
    const burn::DataWriter& w = *job.writer;
    const std::string medium = burn::ProfileName(w.medium().profile);
    const bool closed = args.close || (w.mode() == burn::WriteMode::kSao &&
                                       w.medium().kind == burn::MediumKind::kDvdMinusSeq);
    const double mb = static_cast<double>((*source)->blocks()) * base::kBlockSize / 1e6;
    if (args.json) {
      JsonWriter j;
      j.BeginObject();
      j.Key("drive").String(job.drive->name);
      j.Key("result").String("ok");
      j.Key("medium").String(medium);
      j.Key("source").String((*source)->path());
      j.Key("built").Bool((*source)->manifest());
      j.Key("start_lba").Uint(w.start_lba());
      j.Key("blocks").Uint((*source)->blocks());
      j.Key("track_blocks").Uint(w.track_blocks());
      j.Key("write_mode").String(burn::WriteModeName(w.mode()));
      j.Key("closed").Bool(closed);
      j.Key("simulated").Bool(args.simulate);
      j.Key("layer_break").Optional(w.medium().layer_break);
      j.Key("verified").String(job.verified.empty() ? "none" : job.verified);
      j.Key("seconds").Fixed(seconds, 3);
      j.EndObject();
      std::printf("%s\n", j.str().c_str());
    } else {
      std::fprintf(
          stderr, "mkimg: %s: %s %s (%u blocks at LBA %u, %.1f MB) on the %s%s, %s%s, in %.2f s\n",
          Printable(job.drive->name).c_str(), args.simulate ? "simulated burning" : "burned",
          Printable((*source)->path()).c_str(), (*source)->blocks(), w.start_lba(), mb,
          medium.c_str(), (*source)->manifest() ? " (built while burning)" : "",
          closed ? "closed" : "left appendable",
          job.verified.empty() ? "" : (", verified (" + job.verified + ")").c_str(), seconds);
    }
  }
  return status;
}

int RunErase(const std::vector<std::string>& specs, bool full, bool json) {
  if (specs.empty()) return ReportError(base::InvalidInput("--drive", "name a drive"));
  auto drives = OpenDrives(specs);
  if (!drives) return ReportError(drives.error());
  BurnProgress progress(json);
  int status = 0;
  for (auto& d : *drives) {
    burn::EraseOptions o;
    o.full = full;
    o.where = d->name;
    o.progress = progress.For(d->name);
    base::Status st = burn::Erase(*d->device, o);
    progress.Finish();
    if (st) st = d->Close();
    if (!st) {
      status = std::max(status, ReportError(st.error()));
      continue;
    }
    auto medium = burn::ProbeMedium(*d->device);
    const std::string what = medium ? burn::DescribeMedium(*medium) : "erased";
    if (json) {
      JsonWriter j;
      j.BeginObject().Key("drive").String(d->name).Key("result").String("ok");
      j.Key("full").Bool(full).Key("medium").String(what).EndObject();
      std::printf("%s\n", j.str().c_str());
    } else {
      std::fprintf(stderr, "mkimg: %s: erased (%s): %s\n", Printable(d->name).c_str(),
                   full ? "full" : "quick", what.c_str());
    }
  }
  return status;
}

void MediumJson(JsonWriter& j, const burn::MediumInfo& m) {
  j.BeginObject();
  j.Key("profile").String(m.kind == burn::MediumKind::kNone ? "" : burn::ProfileName(m.profile));
  j.Key("state").String(burn::MediumStateName(m.state));
  j.Key("erasable").Bool(m.erasable);
  j.Key("sessions").Uint(m.sessions);
  j.Key("next_writable").Optional(m.next_writable);
  j.Key("capacity_blocks").Uint(m.capacity_blocks);
  j.Key("free_blocks").Uint(m.free_blocks);
  j.Key("recorded_blocks").Uint(m.recorded_blocks);
  j.Key("layer_break").Optional(m.layer_break);
  j.Key("write_speeds").BeginArray();
  for (const auto& s : m.speeds) {
    j.BeginObject().Key("kbps").Uint(s.kbps).Key("multiple").String(s.multiple).EndObject();
  }
  j.EndArray();
  j.EndObject();
}

int RunDrives(const std::vector<std::string>& given, bool json) {
  std::vector<std::string> names;
  // Real recorders: /dev/srN (the sg nodes only when no sr node exists, as they name the
  // same drives).
  for (const char* prefix : {"/dev/sr", "/dev/sg"}) {
    if (!names.empty()) break;
    for (int n = 0; n < 32; ++n) {
      const std::string path = prefix + std::to_string(n);
      if (::access(path.c_str(), F_OK) == 0) names.push_back(path);
    }
  }
  for (const std::string& g : given) names.push_back(g);
  JsonWriter j(JsonWriter::Style::kSpaced);
  if (json) j.BeginArray();
  int status = 0;
  for (const std::string& name : names) {
    auto d = OpenDrive(name, false);
    base::Expected<burn::DriveDescription> desc =
        d ? burn::DescribeDrive(*(*d)->device) : base::Expected<burn::DriveDescription>(d.error());
    if (!desc) {
      // A /dev node that is not a recorder (or is busy) is reported, not fatal.
      if (json) {
        j.BeginObject().Key("drive").String(name).Key("error").String(desc.error().ToString());
        j.EndObject();
      } else {
        std::printf("%s: %s\n", Printable(name).c_str(), Printable(desc.error().what()).c_str());
      }
      if (!d || std::find(given.begin(), given.end(), name) != given.end()) status = 1;
      continue;
    }
    std::string profiles;
    for (std::uint16_t p : desc->profiles) {
      if (!profiles.empty()) profiles += ", ";
      profiles += burn::ProfileName(p);
    }
    if (json) {
      j.BeginObject();
      j.Key("drive").String(name);
      j.Key("virtual").Bool(name.rfind("emu:", 0) == 0);
      j.Key("vendor").String(desc->vendor).Key("product").String(desc->product);
      j.Key("revision").String(desc->revision);
      j.Key("profiles").BeginArray();
      for (std::uint16_t p : desc->profiles) j.String(burn::ProfileName(p));
      j.EndArray();
      j.Key("test_write").Bool(desc->test_write).Key("burn_free").Bool(desc->burn_free);
      j.Key("medium");
      MediumJson(j, desc->medium);
      j.EndObject();
    } else {
      const burn::MediumInfo& m = desc->medium;
      std::printf("%s: %s %s %s\n", Printable(name).c_str(), desc->vendor.c_str(),
                  desc->product.c_str(), desc->revision.c_str());
      std::printf("  writes:   %s\n", profiles.c_str());
      std::printf("  medium:   %s\n", burn::DescribeMedium(m).c_str());
      if (m.kind != burn::MediumKind::kNone) {
        std::printf("  capacity: %u blocks, %u free, %u recorded\n", m.capacity_blocks,
                    m.free_blocks, m.recorded_blocks);
        std::string speeds;
        for (const auto& s : m.speeds) speeds += (speeds.empty() ? "" : ", ") + s.multiple;
        if (!speeds.empty()) std::printf("  speeds:   %s\n", speeds.c_str());
      }
    }
  }
  if (json) {
    j.EndArray();
    std::printf("%s\n", j.str().c_str());
  } else if (names.empty()) {
    std::printf("no recorders found (name a virtual one with --drive emu:FILE)\n");
  }
  return status;
}

}  // namespace

int RunVerifyDrive(const std::string& spec, const std::string& image, bool full, bool json) {
  auto opened = OpenDrive(spec, true);
  if (!opened) return ReportError(opened.error());
  mmc::Device& device = *(*opened)->device;
  BurnProgress progress(json);
  auto medium = burn::ProbeMedium(device);
  if (!medium) return ReportError(medium.error().WithWhere(spec));
  if (medium->kind == burn::MediumKind::kNone) {
    return ReportError(base::InvalidInput(spec, "no medium in the drive"));
  }
  if (medium->state == burn::MediumState::kBlank) {
    return ReportError(base::Error(base::ErrorCode::kMismatch, spec, "the medium is blank"));
  }
  std::string result;
  if (!image.empty()) {
    auto source = Source::Open(image);
    if (!source) return ReportError(source.error());
    const std::uint32_t blocks = (*source)->blocks();
    if (full) {
      burn::VerifySink sink(device, 0, blocks, spec, progress.For(spec));
      base::Status st = (*source)->StreamInto(sink);
      if (st) st = sink.Commit();
      progress.Finish();
      if (!st) return ReportError(st.error());
      char buf[64];
      std::snprintf(buf, sizeof buf, "xxh3 %016" PRIx64, sink.medium_hash());
      result = std::string("the medium matches ") + image + " (" + std::to_string(blocks) +
               " blocks, " + buf + ")";
    } else {
      // Quick: the chunk hashes of the source, the disc sampled.
      ChunkHasher hasher;
      base::Status st = (*source)->StreamInto(hasher);
      if (!st) return ReportError(st.error());
      hasher.Flush();
      st = burn::VerifyQuick(device, 0, blocks, hasher.hashes(), spec, progress.For(spec));
      progress.Finish();
      if (!st) return ReportError(st.error());
      result = "quick verification against " + image + " passed (" + std::to_string(blocks) +
               " blocks sampled)";
    }
  } else {
    auto readable = burn::ReadableBlocks(device);
    if (!readable) return ReportError(readable.error().WithWhere(spec));
    if (full) {
      auto hash = burn::HashMedium(device, 0, *readable, spec, progress.For(spec));
      progress.Finish();
      if (!hash) return ReportError(hash.error());
      char buf[64];
      std::snprintf(buf, sizeof buf, "xxh3 %016" PRIx64, *hash);
      result = "all " + std::to_string(*readable) + " recorded blocks read (" + buf + ")";
    } else {
      std::vector<std::uint64_t> none;
      auto st = burn::VerifyQuick(device, 0, *readable, none, spec, progress.For(spec));
      if (st) {
        for (std::uint32_t k = 0; k <= 16 && st; ++k) {
          const std::uint32_t lba =
              static_cast<std::uint32_t>(std::uint64_t{*readable - 1} * k / 16);
          std::vector<std::uint8_t> b(base::kBlockSize);
          if (auto r = device.Read10(lba, 1, b); !r)
            st = r.error().WithWhere(spec + ": " + base::LbaWhere(lba));
        }
      }
      progress.Finish();
      if (!st) return ReportError(st.error());
      result = "disc and track information consistent, 17 sampled blocks of " +
               std::to_string(*readable) + " readable";
    }
  }
  if (auto st = (*opened)->Close(); !st) return ReportError(st.error());
  if (json) {
    JsonWriter j;
    j.BeginObject().Key("drive").String(spec).Key("result").String("ok");
    j.Key("level").String(full ? "full" : "quick").Key("message").String(result).EndObject();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::printf("%s: %s\n", Printable(spec).c_str(), Printable(result).c_str());
  }
  return 0;
}

void RegisterBurnCommands(CLI::App& app, Action* action) {
  auto args = std::make_shared<BurnArgs>();
  CLI::App* b = app.add_subcommand(
      "burn",
      "Burn an image, or build a manifest straight onto the disc, in one stream (CD-R/RW, "
      "DVD±R/RW, DVD±R DL, DVD-RAM, BD-R/RE; real drives or emu:FILE virtual ones)");
  b->add_option("INPUT", args->inputs,
                "an image file, a manifest (built while burning), WAV files (an audio CD, "
                "Track-at-Once) or a .cue (or cdrdao .toc) with its BIN (Disc-at-Once)")
      ->required();
  b->add_option("--isrc", args->isrc, "audio: the ISRC of each track, in order (- for none)");
  b->add_option("--mcn", args->mcn, "audio: the disc's Media Catalog Number (13 digits)");
  b->add_option("--drive", args->drives,
                "DRIVE: /dev/srN, /dev/sgN or emu:FILE; repeat to burn several at once")
      ->required();
  b->add_option("--speed", args->speed, "max (default), a multiple such as 8x, or kB/s");
  b->add_option("--verify", args->verify, "none (default), quick or full");
  auto* close = b->add_flag("--close", args->close, "close the disc: no session can be added");
  auto* append = b->add_flag("--append", args->append,
                             "leave the disc appendable where the medium allows (the default)");
  close->excludes(append);
  b->add_flag("--simulate", args->simulate, "test write: nothing is recorded (CD, DVD-R/RW)");
  b->add_option("--write-mode", args->write_mode,
                "auto (default), tao (CD Track-at-Once, DVD-R incremental) or sao (CD "
                "Session-at-Once, DVD-R Disc-at-Once)");
  b->add_flag("--json", args->json, "progress and the result as JSON lines on stdout");
  b->callback([args, action] { *action = [args] { return RunBurn(*args); }; });

  auto erase_drives = std::make_shared<std::vector<std::string>>();
  auto erase_full = std::make_shared<bool>(false);
  auto erase_json = std::make_shared<bool>(false);
  CLI::App* e =
      app.add_subcommand("erase", "blank a CD-RW or DVD-RW, format a DVD+RW, BD-RE or DVD-RAM");
  e->add_option("--drive", *erase_drives, "DRIVE: /dev/srN, /dev/sgN or emu:FILE")->required();
  e->add_flag("--full", *erase_full, "full blank / certified format instead of the quick one");
  e->add_flag("--json", *erase_json, "progress and the result as JSON lines on stdout");
  e->callback([=] { *action = [=] { return RunErase(*erase_drives, *erase_full, *erase_json); }; });

  auto list_drives = std::make_shared<std::vector<std::string>>();
  auto list_json = std::make_shared<bool>(false);
  CLI::App* d = app.add_subcommand(
      "drives", "real (/dev/sr*, /dev/sg*) and given virtual recorders, media, capabilities");
  d->add_option("--drive", *list_drives, "also list this drive (e.g. emu:FILE)");
  d->add_flag("--json", *list_json, "print JSON");
  d->callback([=] { *action = [=] { return RunDrives(*list_drives, *list_json); }; });
}

}  // namespace mkimg
