// mkimg info / ls / extract / verify (README.md, "Using mkimg"): reading images. Thin wrappers over
// fs::ImageReader: open the image, read the chosen namespace (rockridge > joliet > udf >
// iso9660 unless --fs says otherwise), print, and map errors to exit statuses (0 ok,
// 1 failed or verification problems, 2 invalid input or unreadable image). The JSON
// outputs of ls and verify are described in specs/readers.md ("JSON output").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/civil_time.h"
#include "fs/image_reader.h"
#include "fs/raw_cd.h"
#include "mkimg/commands.h"
#include "mkimg/display.h"
#include "mkimg/image_open.h"
#include "mkimg/json_writer.h"
#include "mkimg/output_path.h"
#include "mkimg/progress.h"

namespace mkimg {
namespace {

struct InspectArgs {
  std::string image;
  std::string path = "/";
  std::string dest;
  std::string fs;
  std::vector<std::string> paths;  // extract: the image paths to extract (default: all)
  bool json = false;
  bool long_format = false;
  std::string drive;  // verify --drive
  bool full = false;  // verify --drive --full
  bool human = false;
  bool disc_order = false;
  bool keep_partial = false;
  std::optional<std::uint32_t> session;  // --session N (default: the last)
};

base::Expected<std::unique_ptr<fs::ImageReader>> OpenReader(const InspectArgs& args) {
  ASSIGN_OR_RETURN(OpenedImage opened, OpenImage(args.image, args.session));
  return std::move(opened.reader);
}

base::Expected<fs::Namespace> ChooseNamespace(const fs::ImageReader& reader,
                                              const std::string& name) {
  if (name.empty()) return reader.BestNamespace();
  auto ns = fs::ParseNamespace(name);
  if (!ns)
    return base::InvalidInput(
        "--fs", "unknown file system '" + name + "' (iso9660, rockridge, joliet, udf)");
  if (!reader.Has(*ns))
    return base::InvalidInput("--fs", "the image has no " + name + " file system");
  return *ns;
}

// Appends a space-padded decimal number right-aligned in `width` columns.
void AppendNumber(std::uint64_t v, std::size_t width, std::string* out) {
  char digits[24];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (n < width) out->append(width - n, ' ');
  while (n > 0) out->push_back(digits[--n]);
}

void AppendMode(fs::NodeType node_type, std::uint32_t mode, std::string* out) {
  const char type = node_type == fs::NodeType::kDirectory     ? 'd'
                    : node_type == fs::NodeType::kSymlink     ? 'l'
                    : node_type == fs::NodeType::kCharDevice  ? 'c'
                    : node_type == fs::NodeType::kBlockDevice ? 'b'
                    : node_type == fs::NodeType::kFifo        ? 'p'
                    : node_type == fs::NodeType::kSocket      ? 's'
                                                              : '-';
  char m[10];
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) m[i] = (mode & (0400u >> i)) ? rwx[i] : '-';
  if (mode & 04000) m[2] = (mode & 0100) ? 's' : 'S';
  if (mode & 02000) m[5] = (mode & 0010) ? 's' : 'S';
  if (mode & 01000) m[8] = (mode & 0001) ? 't' : 'T';
  out->push_back(type);
  out->append(m, 9);
}

// "2026-01-01T00:00:00Z" (UTC; whole seconds).
std::string IsoTime(const fs::Timestamp& t) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const base::CivilDate d = base::CivilFromDays(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(d.year), d.month, d.day, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

// Name order of a recursive listing: each directory's entries sorted bytewise by name,
// depth first (a directory's contents right after it), whatever the locale. Comparing
// whole paths with '/' as the lowest byte gives exactly that, as no name holds '/' or NUL.
bool PathBefore(const std::string& a, const std::string& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    if (a[i] == '/') return true;
    if (b[i] == '/') return false;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

// Formats entries as the walk meets them. In disc order (--disc-order) text lines stream,
// so memory does not grow with the image; in name order (the default) and for --json the
// formatted entries are kept with their paths, sorted, then printed.
class LsPrinter final : public fs::WalkVisitor {
 public:
  explicit LsPrinter(const InspectArgs& args) : args_(args) { out_.reserve(kBuffer); }

  base::Status Visit(const fs::WalkEntry& e) override {
    // The start of the walk is listed only when it is not a directory (as `ls -R` does).
    if (e.depth == 0 && e.type == fs::NodeType::kDirectory) return base::Ok();
    std::string line;
    if (args_.json) {
      FormatJson(e, &line);
    } else {
      FormatText(e, &line);
    }
    if (!args_.disc_order) {
      entries_.emplace_back(std::string(e.path), std::move(line));
      return base::Ok();
    }
    Emit(line);
    return base::Ok();
  }

  void Warning(std::string warning) override {
    Flush();  // keep the listing and the warnings in order on a terminal
    ReportWarning("", warning);
    warnings_.push_back(std::move(warning));
  }

  // Prints what was kept (sorted unless --disc-order) and, for --json, the document.
  void Finish(const std::string& image, fs::Namespace ns) {
    if (!args_.disc_order) {
      std::sort(entries_.begin(), entries_.end(),
                [](const auto& x, const auto& y) { return PathBefore(x.first, y.first); });
      for (const auto& entry : entries_) Emit(entry.second);
      entries_.clear();
    }
    if (args_.json) {
      std::string head;
      head += "{\"image\":";
      AppendJsonString(image, &head);
      head += ",\"filesystem\":";
      AppendJsonString(fs::NamespaceName(ns), &head);
      head += ",\"path\":";
      AppendJsonString(args_.path, &head);
      head += ",\"order\":";
      head += args_.disc_order ? "\"disc\"" : "\"name\"";
      head += ",\"entries\":[";
      std::string tail = "],\"warnings\":[";
      for (std::size_t i = 0; i < warnings_.size(); ++i) {
        if (i) tail += ',';
        AppendJsonString(warnings_[i], &tail);
      }
      tail += "]}\n";
      std::fwrite(head.data(), 1, head.size(), stdout);
      std::fwrite(out_.data(), 1, out_.size(), stdout);
      std::fwrite(tail.data(), 1, tail.size(), stdout);
      out_.clear();
      return;
    }
    Flush();
  }

  void Flush() {
    if (args_.json) return;  // the document is written whole by Finish()
    std::fwrite(out_.data(), 1, out_.size(), stdout);
    out_.clear();
  }

 private:
  void Emit(const std::string& line) {
    if (args_.json && count_ > 0) out_.push_back(',');
    ++count_;
    out_ += line;
    if (out_.size() > kBuffer - 8192) Flush();
  }

  void FormatText(const fs::WalkEntry& e, std::string* out) const {
    if (args_.long_format) {
      AppendMode(e.type, e.mode, out);
      AppendNumber(Links(e), 4, out);
      AppendNumber(e.uid, 6, out);
      AppendNumber(e.gid, 6, out);
      const std::uint64_t size = Size(e);
      if (fs::IsDevice(e.type)) {
        // ls -l: "major, minor" where a file's size would be.
        std::string number = std::to_string(e.device_major) + ", " + std::to_string(e.device_minor);
        out->append(number.size() < 13 ? 13 - number.size() : 0, ' ').append(number);
      } else if (args_.human) {
        const std::string h = LsHumanSize(size);
        out->append(h.size() < 6 ? 6 - h.size() : 0, ' ');
        out->append(" ").append(h);
      } else {
        AppendNumber(size, 13, out);
      }
      out->push_back(' ');
      fs::AppendListingTime(e.mtime, out);
      out->push_back(' ');
    }
    // Names come from the image: escaped so that one entry is always one line.
    AppendPrintable(e.path, out);
    if (args_.long_format && e.type == fs::NodeType::kSymlink) {
      out->append(" -> ");
      AppendPrintable(e.symlink_target, out);
    }
    out->push_back('\n');
  }

  void FormatJson(const fs::WalkEntry& e, std::string* out) const {
    JsonWriter w;
    w.BeginObject();
    w.Key("path").String(e.path);
    w.Key("type").String(fs::NodeTypeName(e.type));
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", e.mode & 07777);
    w.Key("mode").String(mode);
    w.Key("links").Uint(Links(e));
    w.Key("uid").Uint(e.uid);
    w.Key("gid").Uint(e.gid);
    w.Key("size").Uint(Size(e));
    w.Key("mtime").String(IsoTime(e.mtime));
    if (e.type == fs::NodeType::kSymlink) w.Key("target").String(e.symlink_target);
    if (fs::IsDevice(e.type)) {
      w.Key("major").Uint(e.device_major);
      w.Key("minor").Uint(e.device_minor);
    }
    if (e.type == fs::NodeType::kFile) {
      w.Key("extents").BeginArray();
      for (const fs::FileExtent& x : e.extents) {
        w.BeginObject();
        if (x.sparse) {
          w.Key("lba").Null();
        } else {
          w.Key("lba").Uint(x.location / base::kBlockSize);
        }
        w.Key("length").Uint(x.length);
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
    *out = w.str();
  }

  static std::uint32_t Links(const fs::WalkEntry& e) {
    if (e.links != 0) return e.links;
    return e.type == fs::NodeType::kDirectory ? 2 + e.subdirectories : 1;
  }
  static std::uint64_t Size(const fs::WalkEntry& e) {
    return e.type == fs::NodeType::kDirectory ? 2048 : e.size;
  }

  static constexpr std::size_t kBuffer = 1 << 20;
  const InspectArgs& args_;
  std::string out_;
  std::size_t count_ = 0;
  std::vector<std::pair<std::string, std::string>> entries_;
  std::vector<std::string> warnings_;
};

int RunLs(const InspectArgs& args) {
  auto reader = OpenReader(args);
  if (!reader) return ReportError(reader.error());
  auto ns = ChooseNamespace(**reader, args.fs);
  if (!ns) return ReportError(ns.error());
  LsPrinter printer(args);
  auto status = (*reader)->Walk(*ns, args.path, printer);
  // A listing cut short by a damaged directory still shows what came before it.
  printer.Finish(args.image, *ns);
  if (!status) return ReportError(status.error().WithWhere(args.image));
  return 0;
}

// The node at `path` ("/a/b", "a/b/"): kInvalidInput naming the image when absent.
base::Expected<fs::NodeId> Resolve(const fs::Tree& tree, const std::string& image,
                                   const std::string& path, fs::Namespace ns) {
  fs::NodeId node = fs::kRootNode;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    const std::string name = path.substr(i, j - i);
    i = j + 1;
    if (name.empty() || name == ".") continue;
    if (name == "..") {
      return base::InvalidInput(image + ": " + path, "'..' is not allowed in an image path");
    }
    fs::NodeId next =
        tree.node(node).type == fs::NodeType::kDirectory ? tree.FindChild(node, name) : fs::kNoNode;
    if (next == fs::kNoNode) {
      return base::InvalidInput(image + ": " + path, "no such file or directory in the image's " +
                                                         std::string(fs::NamespaceName(ns)) +
                                                         " tree");
    }
    node = next;
  }
  return node;
}

int RunExtract(const InspectArgs& args) {
  auto reader = OpenReader(args);
  if (!reader) return ReportError(reader.error());
  auto ns = ChooseNamespace(**reader, args.fs);
  if (!ns) return ReportError(ns.error());
  auto tree = (*reader)->ReadTree(*ns);
  if (!tree) return ReportError(tree.error().WithWhere(args.image));
  fs::ExtractOptions options;
  // Every PATH is checked before anything is written.
  for (const std::string& path : args.paths) {
    auto node = Resolve(tree->tree, args.image, path, *ns);
    if (!node) return ReportError(node.error());
    options.only.push_back(*node);
  }
  for (const std::string& w : tree->warnings) ReportWarning(args.image, w);
  // A DEST that cannot be a folder is bad input (exit 2), as build's -o.
  if (auto bad = CheckOutputFolder(args.dest); !bad) return ReportError(bad.error());
  if (mkdir(args.dest.c_str(), 0755) != 0 && errno != EEXIST)
    return ReportError(base::ErrnoError(args.dest, errno));
  int fd = open(args.dest.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOTDIR) {
    return ReportError(base::InvalidInput(args.dest, "is not a folder; DEST must be one"));
  }
  if (fd < 0) return ReportError(base::ErrnoError(args.dest, errno));
  if (auto image = base::IdentifyInput(ImageHostFile(args.image), "the image being read")) {
    options.inputs.push_back(std::move(*image));
  }
  options.restore_owner = geteuid() == 0;
  options.keep_partial = args.keep_partial;
  // Progress on a terminal only: pipes, files and CI get none.
  const bool show_progress = ::isatty(STDERR_FILENO) != 0;
  ProgressBar bar;
  if (show_progress) {
    options.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.Update(done, total); };
  }
  // Each damaged entry names the image, its path in the image and the LBA.
  options.warning = [&](const std::string& w) {
    if (show_progress) std::fputs("\r\x1b[K", stderr);
    ReportWarning(args.image, w);
  };
  auto status = fs::Extract((*reader)->device(), *tree, fs::kRootNode, fd, args.dest, options);
  close(fd);
  bar.Finish();
  if (!status) return ReportError(status.error());
  return 0;
}

int RunVerify(const InspectArgs& args) {
  if (IsCueSheet(args.image)) {
    // Raw sectors and sub-channel, then the data track's file systems as usual; the
    // trailing-bytes rule below does not apply (audio follows the data).
    std::vector<std::string> problems;
    if (int status = RunCdVerify(args.image, &problems); status != 0) return status;
    auto sheet = fs::ReadCueSheet(args.image);
    bool data = false;
    for (const fs::CueTrack& t : sheet->tracks) data = data || t.data;
    if (data) {
      auto reader = OpenReader(args);
      if (!reader) return ReportError(reader.error());
      auto found = fs::VerifyImage(**reader);
      if (!found) return ReportError(found.error().WithWhere(args.image));
      problems.insert(problems.end(), found->begin(), found->end());
    }
    if (problems.empty()) {
      std::printf("ok: %s: raw CD, %zu tracks\n", args.image.c_str(), sheet->tracks.size());
      return 0;
    }
    for (const std::string& p : problems) {
      std::printf("%s: %s\n", Printable(args.image).c_str(), Printable(p).c_str());
    }
    std::printf("%zu problem%s found in %s\n", problems.size(), problems.size() == 1 ? "" : "s",
                args.image.c_str());
    return 1;
  }
  auto opened = OpenImage(args.image, args.session);
  if (!opened) return ReportError(opened.error());
  const auto& reader = opened->reader;
  auto problems = fs::VerifyImage(*reader);
  if (!problems) return ReportError(problems.error().WithWhere(args.image));
  // The image file itself: whole sectors, and nothing after the volume (an image with a
  // summary or another file appended to it is not the image that was built).
  const fs::ImageInfo& volume = reader->volume();
  const std::uint64_t size = volume.image_size;
  if (size % base::kBlockSize != 0) {
    problems->push_back("image size " + std::to_string(size) +
                        " bytes is not a whole number of 2048-byte sectors (" +
                        std::to_string(size % base::kBlockSize) + " bytes past sector " +
                        std::to_string(size / base::kBlockSize) + ")");
  }
  std::uint64_t volume_blocks = 0;
  for (const auto& d : volume.descriptors) {
    if (d.kind == "primary" || d.kind == "joliet" || d.kind == "supplementary" ||
        d.kind == "enhanced") {
      volume_blocks = std::max<std::uint64_t>(volume_blocks, d.volume_space_size);
    }
  }
  volume_blocks = ExpectedImageBlocks(*opened, volume_blocks);
  const std::uint64_t whole = size / base::kBlockSize * base::kBlockSize;
  if (volume_blocks != 0 && whole > volume_blocks * base::kBlockSize) {
    problems->push_back(std::to_string(whole - volume_blocks * base::kBlockSize) +
                        " trailing bytes after the end of the volume (its descriptors give " +
                        std::to_string(volume_blocks) + " sectors, the image holds " +
                        std::to_string(size / base::kBlockSize) + ")");
  }
  std::string names;
  for (fs::Namespace ns : reader->volume().namespaces) {
    if (!names.empty()) names += ", ";
    names += fs::NamespaceName(ns);
  }
  if (args.json) {
    JsonWriter w;
    w.BeginObject();
    w.Key("image").String(args.image);
    w.Key("filesystems").BeginArray();
    for (fs::Namespace ns : volume.namespaces) w.String(fs::NamespaceName(ns));
    w.EndArray();
    w.Key("ok").Bool(problems->empty());
    w.Key("problems").BeginArray();
    for (const std::string& p : *problems) w.String(p);
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
    return problems->empty() ? 0 : 1;
  }
  if (problems->empty()) {
    std::printf("ok: %s: %s\n", args.image.c_str(), names.c_str());
    return 0;
  }
  for (const std::string& p : *problems) {
    std::printf("%s: %s\n", Printable(args.image).c_str(), Printable(p).c_str());
  }
  std::printf("%zu problem%s found in %s (%s)\n", problems->size(),
              problems->size() == 1 ? "" : "s", args.image.c_str(), names.c_str());
  return 1;
}

}  // namespace

void RegisterInspectCommands(CLI::App& app, Action* action) {
  auto args = std::make_shared<InspectArgs>();
  const std::string fs_help =
      "file system to read: iso9660, rockridge, joliet or udf (default: the best present)";
  const std::string kSessionHelp =
      "the session to read, 1 for the first (default: the last, as a reader of the disc)";

  CLI::App* info = app.add_subcommand(
      "info", "volume descriptors, file systems, boot catalog, partition tables");
  info->add_option("IMAGE", args->image,
                   "image file, BIN/CUE (or cdrdao .toc) or emu:FILE (a virtual disc)")
      ->required();
  info->add_flag("--json", args->json, "print JSON");
  info->add_option("--session", args->session, kSessionHelp);
  info->callback([action, args] {
    *action = [args] { return RunImageInfo(args->image, args->session, args->json); };
  });

  CLI::App* ls = app.add_subcommand(
      "ls", "list the files of an image (recursively, full paths, sorted by name)");
  // -h is ls's human-readable sizes, as in ls(1); help stays --help.
  ls->set_help_flag("--help", "Print this help message and exit");
  ls->add_option("IMAGE", args->image, "image file, BIN/CUE or emu:FILE (a virtual disc)")
      ->required();
  ls->add_option("PATH", args->path, "directory or file in the image (default /)");
  ls->add_flag("-l", args->long_format,
               "mode, links, uid, gid, size, date, name as ls -l prints them");
  ls->add_flag("-h,--human-readable", args->human, "with -l, sizes as 1.5K, 23M, 4.4G");
  ls->add_flag("--json", args->json, "print JSON (every entry with its extents)");
  ls->add_flag("--disc-order", args->disc_order,
               "each directory's entries in their on-disc order, not sorted by name");
  ls->add_option("--fs", args->fs, fs_help);
  ls->add_option("--session", args->session, kSessionHelp);
  ls->callback([action, args] { *action = [args] { return RunLs(*args); }; });

  CLI::App* extract = app.add_subcommand(
      "extract", "copy the files of an image into DEST (never writes outside it)");
  extract->add_option("IMAGE", args->image, "image file, BIN/CUE or emu:FILE (a virtual disc)")
      ->required();
  extract->add_option("DEST", args->dest, "destination directory (created if missing)")->required();
  extract->add_option("PATH", args->paths,
                      "files or folders of the image to extract, at their paths under DEST "
                      "(default: everything)");
  extract->add_flag("--keep-partial", args->keep_partial,
                    "keep files that could not be read completely (they are removed otherwise)");
  extract->add_option("--fs", args->fs, fs_help);
  extract->add_option("--session", args->session, kSessionHelp);
  extract->callback([action, args] { *action = [args] { return RunExtract(*args); }; });

  CLI::App* verify =
      app.add_subcommand("verify", "structural checks of every file system in an image");
  verify->add_option("IMAGE", args->image,
                     "image file (with --drive: the image the medium must hold, optional)");
  verify->add_flag("--json", args->json, "print JSON: image, filesystems, ok, problems");
  verify->add_option("--drive", args->drive,
                     "verify the medium in DRIVE (/dev/srN or emu:FILE) instead (specs/burn.md)");
  verify->add_option("--session", args->session, kSessionHelp);
  verify->add_flag("--full", args->full, "with --drive: read and compare every block");
  verify->callback([action, args] {
    *action = [args] {
      if (!args->drive.empty()) {
        return RunVerifyDrive(args->drive, args->image, args->full, args->json);
      }
      if (args->image.empty()) {
        return ReportError(base::InvalidInput("verify", "name an IMAGE, or --drive DRIVE"));
      }
      return RunVerify(*args);
    };
  });
}

}  // namespace mkimg
