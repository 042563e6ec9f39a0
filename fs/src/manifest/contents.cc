// The manifest's `contents` (specs/manifest.md "contents"): entries applied in order,
// their attributes, and where they land in the tree — missing parents created, later
// entries replacing earlier ones, folders merging. `source` entries go on to host_scan.cc.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/unicode.h"
#include "manifest/parser.h"

namespace fs::manifest {

base::Status Parser::ParseContents(const JsonValue& v) {
  RETURN_IF_ERROR(Expect(v, "$.contents", Type::kArray));
  for (std::size_t i = 0; i < v.array.size(); ++i) {
    RETURN_IF_ERROR(ParseEntry(v.array[i], "$.contents[" + std::to_string(i) + "]"));
  }
  return base::Ok();
}

base::Status Parser::ParseEntry(const JsonValue& e, const std::string& path) {
  RETURN_IF_ERROR(Expect(e, path, Type::kObject));
  RETURN_IF_ERROR(CheckKeys(e, path,
                            {"target", "source", "directory", "text", "size", "symlink", "mode",
                             "uid", "gid", "mtime", "hidden_in", "sort_weight", "owners"}));
  const JsonValue* target_v = e.Find("target");
  if (!target_v) return Fail(e, path, "missing required key \"target\" (a path in the image)");
  ASSIGN_OR_RETURN(std::string target, GetString(*target_v, path + ".target"));
  ASSIGN_OR_RETURN(std::vector<std::string> components,
                   SplitTarget(*target_v, path + ".target", target));

  const char* kinds[] = {"source", "directory", "text", "size", "symlink"};
  const char* kind = nullptr;
  for (const char* k : kinds) {
    if (const JsonValue* kv = e.Find(k)) {
      if (kind) {
        return Fail(
            *kv, path + "." + k,
            std::string("an entry has exactly one of source, directory, text, size, symlink; "
                        "this one has both \"") +
                kind + "\" and \"" + k + "\"");
      }
      kind = k;
    }
  }
  if (!kind) {
    return Fail(
        e, path,
        "an entry needs one of \"source\", \"directory\", \"text\", \"size\" or \"symlink\"");
  }

  Attributes attrs;
  RETURN_IF_ERROR(ParseAttributes(e, path, &attrs));
  if (const JsonValue* o = e.Find("owners")) {
    ASSIGN_OR_RETURN(std::string owners, GetString(*o, path + ".owners"));
    if (owners != "host" && owners != "root") {
      return Fail(*o, path + ".owners",
                  "\"" + owners + "\" is not one of \"host\" (the host's uid and gid) or " +
                      "\"root\" (0, the default)");
    }
    if (std::string_view(kind) != "source") {
      return Fail(*o, path + ".owners",
                  "applies to an entry with a \"source\" (the host's owners of what it brings "
                  "in); set \"uid\" and \"gid\" here instead");
    }
    attrs.host_owners = owners == "host";
  }

  std::string image_path = "/";
  for (std::size_t i = 0; i < components.size(); ++i) {
    if (i) image_path += '/';
    image_path += components[i];
  }
  if (!components.empty() && Excluded(image_path)) return base::Ok();

  const JsonValue& kv = *e.Find(kind);
  std::string kpath = path + "." + kind;
  std::string_view k(kind);
  if (k == "directory") {
    ASSIGN_OR_RETURN(bool is_dir, GetBool(kv, kpath));
    if (!is_dir) return Fail(kv, kpath, "must be true (omit it for other kinds of entry)");
    ASSIGN_OR_RETURN(NodeId id, PlaceDirectory(*target_v, path + ".target", components));
    ApplyAttributes(id, attrs, false);
  } else if (k == "text") {
    ASSIGN_OR_RETURN(std::string text, GetText(kv, kpath));
    Content c;
    c.kind = ContentKind::kInline;
    c.size = text.size();
    c.pool_offset = spec_.tree.Intern(text);
    c.pool_length = static_cast<std::uint32_t>(text.size());
    ASSIGN_OR_RETURN(NodeId id, PlaceLeaf(*target_v, path + ".target", components));
    NodeId file = spec_.tree.AddFile(id, components.back(), c);
    ApplyAttributes(file, attrs, false);
  } else if (k == "size") {
    if (kv.type == Type::kInteger) {
      return Fail(kv, kpath,
                  "a size must not be negative (got " + std::to_string(kv.integer) + ")");
    }
    ASSIGN_OR_RETURN(std::uint64_t size,
                     GetUnsigned(kv, kpath, 0, std::uint64_t{1} << 50));  // 1 PiB
    Content c;
    c.kind = ContentKind::kZeros;
    c.size = size;
    ASSIGN_OR_RETURN(NodeId id, PlaceLeaf(*target_v, path + ".target", components));
    NodeId file = spec_.tree.AddFile(id, components.back(), c);
    ApplyAttributes(file, attrs, false);
  } else if (k == "symlink") {
    ASSIGN_OR_RETURN(std::string link, GetString(kv, kpath));
    if (link.empty()) return Fail(kv, kpath, "a symlink target must not be empty");
    if (link.size() > 4095) return Fail(kv, kpath, "a symlink target holds at most 4095 bytes");
    ASSIGN_OR_RETURN(NodeId id, PlaceLeaf(*target_v, path + ".target", components));
    NodeId node = spec_.tree.AddSymlink(id, components.back(), link);
    ApplyAttributes(node, attrs, false);
  } else {
    ASSIGN_OR_RETURN(std::string source, GetString(kv, kpath));
    if (options_.forbid_host_access) {
      return Fail(kv, kpath, "host sources are not allowed here");
    }
    RETURN_IF_ERROR(
        PlaceSource(*target_v, path + ".target", kv, kpath, source, components, image_path, attrs));
  }
  return base::Ok();
}

base::Status Parser::ParseAttributes(const JsonValue& e, const std::string& path,
                                     Attributes* a) const {
  if (const JsonValue* m = e.Find("mode")) {
    ASSIGN_OR_RETURN(std::string s, GetString(*m, path + ".mode"));
    bool ok = !s.empty() && s.size() <= 5;
    std::uint32_t mode = 0;
    for (char c : s) {
      if (c < '0' || c > '7') ok = false;
      mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
    }
    if (!ok || mode > 07777) {
      return Fail(*m, path + ".mode",
                  "\"" + s + "\" is not an octal mode like \"0644\" (digits 0-7, at most 07777)");
    }
    a->mode = mode;
  }
  if (const JsonValue* u = e.Find("uid")) {
    ASSIGN_OR_RETURN(std::uint64_t uid, GetUnsigned(*u, path + ".uid", 0, 0xFFFFFFFEu));
    a->uid = static_cast<std::uint32_t>(uid);
  }
  if (const JsonValue* g = e.Find("gid")) {
    ASSIGN_OR_RETURN(std::uint64_t gid, GetUnsigned(*g, path + ".gid", 0, 0xFFFFFFFEu));
    a->gid = static_cast<std::uint32_t>(gid);
  }
  if (const JsonValue* t = e.Find("mtime")) {
    ASSIGN_OR_RETURN(Timestamp ts, GetTime(*t, path + ".mtime"));
    a->mtime = ts;
  }
  if (const JsonValue* w = e.Find("sort_weight")) {
    const std::string wp = path + ".sort_weight";
    std::int64_t weight = 0;
    if (w->type == Type::kInteger) {
      weight = w->integer;
    } else if (w->type == Type::kUnsigned && w->unsigned_ <= 0x7FFFFFFFu) {
      weight = static_cast<std::int64_t>(w->unsigned_);
    } else {
      weight = INT64_MAX;
      if (w->type != Type::kUnsigned) RETURN_IF_ERROR(Expect(*w, wp, Type::kUnsigned));
    }
    if (weight < INT32_MIN || weight > INT32_MAX) {
      return Fail(*w, wp, "must be an integer between -2147483648 and 2147483647");
    }
    a->sort_weight = static_cast<std::int32_t>(weight);
  }
  if (const JsonValue* h = e.Find("hidden_in")) {
    RETURN_IF_ERROR(Expect(*h, path + ".hidden_in", Type::kArray));
    for (std::size_t i = 0; i < h->array.size(); ++i) {
      std::string ip = path + ".hidden_in[" + std::to_string(i) + "]";
      ASSIGN_OR_RETURN(std::string fs_name, GetString(h->array[i], ip));
      if (fs_name == "iso9660") {
        a->hide |= kHideIso9660;
      } else if (fs_name == "joliet") {
        a->hide |= kHideJoliet;
      } else if (fs_name == "udf") {
        a->hide |= kHideUdf;
      } else {
        return Fail(h->array[i], ip,
                    "\"" + fs_name + "\" is not one of \"iso9660\", \"joliet\", \"udf\"" +
                        (fs_name == "rockridge" || fs_name == "rock_ridge"
                             ? " (Rock Ridge is part of the iso9660 tree: use \"iso9660\")"
                             : ""));
      }
    }
  }
  return base::Ok();
}

// Applies attributes to a node; with `subtree`, uid/gid/mtime/hide reach every node
// below it too (a folder imported from the host), while mode stays on the node itself.
void Parser::ApplyAttributes(NodeId id, const Attributes& a, bool subtree) {
  Tree& t = spec_.tree;
  if (a.mode) t.mutable_node(id).mode = *a.mode;
  std::vector<NodeId> stack{id};
  while (!stack.empty()) {
    NodeId n = stack.back();
    stack.pop_back();
    Node& node = t.mutable_node(n);
    if (a.uid) node.uid = *a.uid;
    if (a.gid) node.gid = *a.gid;
    if (a.mtime) node.mtime = *a.mtime;
    node.hide |= a.hide;
    if (a.sort_weight && node.type == NodeType::kFile) {
      t.mutable_content(n).sort_weight = *a.sort_weight;
    }
    if (subtree && node.type == NodeType::kDirectory) {
      for (NodeId c : t.children(n)) stack.push_back(c);
    }
  }
}

std::string Parser::ValidateName(std::string_view name) {
  if (name == "." || name == "..") return "\".\" and \"..\" are not names";
  if (name.size() > 255) return "a name holds at most 255 bytes";
  if (name.find('\0') != std::string_view::npos) return "a name must not contain NUL";
  if (!base::IsValidUtf8(name)) return "not valid UTF-8";
  return "";
}

base::Expected<std::vector<std::string>> Parser::SplitTarget(const JsonValue& v,
                                                             const std::string& path,
                                                             std::string_view target) const {
  if (target.empty() || target[0] != '/') {
    return Fail(v, path,
                "\"" + std::string(target) + "\" must be an absolute image path, starting with /");
  }
  std::vector<std::string> parts;
  std::size_t pos = 1;
  while (pos <= target.size()) {
    std::size_t slash = target.find('/', pos);
    if (slash == std::string_view::npos) slash = target.size();
    std::string_view part = target.substr(pos, slash - pos);
    if (!part.empty()) {
      std::string problem = ValidateName(part);
      if (!problem.empty()) {
        return Fail(
            v, path,
            "\"" + std::string(target) + "\": component \"" + std::string(part) + "\": " + problem);
      }
      parts.emplace_back(part);
    }
    pos = slash + 1;
  }
  return parts;
}

// Walks to the parent of `components`, creating folders as needed. A file or symlink in
// the way is an error: an entry cannot place something inside a file.
base::Expected<NodeId> Parser::WalkParents(const JsonValue& v, const std::string& path,
                                           const std::vector<std::string>& components) {
  Tree& t = spec_.tree;
  NodeId dir = t.root();
  for (std::size_t i = 0; i + 1 < components.size(); ++i) {
    NodeId c = t.FindChild(dir, components[i]);
    if (c == kNoNode) {
      c = t.AddDirectory(dir, components[i]);
    } else if (t.node(c).type != NodeType::kDirectory) {
      return Fail(v, path,
                  t.Path(c) + " is a file or symlink placed by an earlier entry, not a folder");
    }
    dir = c;
  }
  return dir;
}

// The parent folder for a new file or symlink; an earlier node of that name is replaced.
base::Expected<NodeId> Parser::PlaceLeaf(const JsonValue& v, const std::string& path,
                                         const std::vector<std::string>& components) {
  if (components.empty())
    return Fail(v, path, "\"/\" is the root folder; a file cannot replace it");
  ASSIGN_OR_RETURN(NodeId dir, WalkParents(v, path, components));
  NodeId old = spec_.tree.FindChild(dir, components.back());
  if (old != kNoNode) spec_.tree.Detach(old);
  return dir;
}

// A folder at `components`: an existing folder is kept (merged), anything else replaced.
base::Expected<NodeId> Parser::PlaceDirectory(const JsonValue& v, const std::string& path,
                                              const std::vector<std::string>& components) {
  if (components.empty()) return spec_.tree.root();
  ASSIGN_OR_RETURN(NodeId dir, WalkParents(v, path, components));
  NodeId old = spec_.tree.FindChild(dir, components.back());
  if (old != kNoNode) {
    if (spec_.tree.node(old).type == NodeType::kDirectory) return old;
    spec_.tree.Detach(old);
  }
  return spec_.tree.AddDirectory(dir, components.back());
}

}  // namespace fs::manifest
