// The section writers of an ISO 9660 / Rock Ridge / Joliet image, in the order of
// specs/layout.md: system area (ECMA-119 6.2.1), volume descriptor set (8.4 primary, 8.5
// Joliet supplementary, 8.3 terminator), path tables (9.4, L and M for each hierarchy),
// directories (9.1, 6.8.1), Rock Ridge continuation areas (SUSP 5.1) and file data.
#include <algorithm>
#include <cstring>

#include "base/error.h"
#include "base/unicode.h"
#include "emit/records.h"
#include "emit/section.h"
#include "iso9660/encode.h"
#include "iso9660/names.h"
#include "joliet/joliet_names.h"

namespace fs::emit {
namespace {

using layout::DirPlan;
using layout::ImageModel;

constexpr std::uint32_t kBlock = iso9660::kLogicalBlockSize;

std::span<const std::uint8_t> AsSpan(const std::array<std::uint8_t, kBlock>& a) {
  return std::span<const std::uint8_t>(a.data(), a.size());
}

// A UCS-2 big-endian identifier of at most `max_chars` characters (Joliet 2.2, 4).
std::string Ucs2Identifier(std::string_view utf8, std::size_t max_chars) {
  std::u16string s;
  for (char32_t c : iso9660::DecodeNameLenient(utf8)) {
    if (s.size() == max_chars) break;
    s.push_back(c > 0xFFFF || c == 0xFFFD ? u'_' : static_cast<char16_t>(c));
  }
  return joliet::EncodeUcs2Be(s, false);
}

std::array<std::uint8_t, iso9660::kRootRecordLength> RootRecord(const ImageModel& model,
                                                                bool joliet) {
  const DirPlan& root = model.dir_of(kRootNode);
  iso9660::DirectoryRecordFields f;
  f.extent_location = joliet ? root.joliet_lba : root.iso_lba;
  f.data_length = (joliet ? root.joliet_blocks : root.iso_blocks) * kBlock;
  f.recording_date = model.tree().node(kRootNode).mtime;
  f.file_flags = iso9660::kFlagDirectory;
  std::vector<std::uint8_t> record;
  const std::uint8_t id[] = {0};
  iso9660::AppendDirectoryRecord(f, id, {}, &record);
  CHECK(record.size() == iso9660::kRootRecordLength);
  std::array<std::uint8_t, iso9660::kRootRecordLength> out{};
  std::memcpy(out.data(), record.data(), out.size());
  return out;
}

class SystemAreaSection final : public Section {
 public:
  SystemAreaSection() : Section("system area") {}
  base::Status Write(const ImageModel&, EmitContext& context) const override {
    return context.sink().WriteZeros(std::uint64_t{iso9660::kSystemAreaBlocks} * kBlock);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImageModel&, std::uint64_t) override {
    return std::uint64_t{iso9660::kSystemAreaBlocks};
  }
};

// ECMA-119 8.4 / 8.5: the primary descriptor, or Joliet's supplementary one.
class VolumeDescriptorSection final : public Section {
 public:
  explicit VolumeDescriptorSection(bool joliet)
      : Section(joliet ? "joliet supplementary volume descriptor" : "primary volume descriptor"),
        joliet_(joliet) {}

  base::Status Write(const ImageModel& model, EmitContext& context) const override {
    const VolumeInfo& v = model.spec.volume;
    iso9660::VolumeDescriptorFields f;
    if (joliet_) {
      f.type = iso9660::VolumeDescriptorType::kSupplementary;
      f.ucs2 = true;
      f.escape_sequences = joliet::kEscapeSequenceLevel3;
      f.system_identifier = Ucs2Identifier(v.system, 16);
      f.volume_identifier = Ucs2Identifier(v.label.empty() ? v.id : v.label, 16);
      f.volume_set_identifier = Ucs2Identifier(v.volume_set, 64);
      f.publisher_identifier = Ucs2Identifier(v.publisher, 64);
      f.data_preparer_identifier = Ucs2Identifier(v.preparer, 64);
      f.application_identifier = Ucs2Identifier(v.application, 64);
      f.path_table_size = model.joliet_path_table_size;
      f.type_l_path_table = model.joliet_l_path_table;
      f.type_m_path_table = model.joliet_m_path_table;
    } else {
      f.type = iso9660::VolumeDescriptorType::kPrimary;
      f.system_identifier = iso9660::ToACharacters(v.system, 32);
      f.volume_identifier = v.id;
      f.volume_set_identifier = iso9660::ToACharacters(v.volume_set, 128);
      f.publisher_identifier = iso9660::ToACharacters(v.publisher, 128);
      f.data_preparer_identifier = iso9660::ToACharacters(v.preparer, 128);
      f.application_identifier = iso9660::ToACharacters(v.application, 128);
      f.path_table_size = model.iso_path_table_size;
      f.type_l_path_table = model.iso_l_path_table;
      f.type_m_path_table = model.iso_m_path_table;
    }
    f.volume_space_size = static_cast<std::uint32_t>(model.start_lba + model.total_blocks);
    f.root_directory_record = RootRecord(model, joliet_);
    f.time = v.timestamp;
    return context.sink().Write(AsSpan(iso9660::EncodeVolumeDescriptor(f)));
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImageModel&, std::uint64_t) override {
    return std::uint64_t{1};
  }

 private:
  bool joliet_;
};

class TerminatorSection final : public Section {
 public:
  TerminatorSection() : Section("volume descriptor set terminator") {}
  base::Status Write(const ImageModel&, EmitContext& context) const override {
    return context.sink().Write(AsSpan(iso9660::EncodeTerminator()));
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImageModel&, std::uint64_t) override {
    return std::uint64_t{1};
  }
};

// ECMA-119 9.4 / 6.9: one path table of one hierarchy, in path table order.
class PathTableSection final : public Section {
 public:
  PathTableSection(bool joliet, iso9660::PathTableType type)
      : Section(std::string(joliet ? "joliet" : "iso9660") +
                (type == iso9660::PathTableType::kL ? " type L path table" : " type M path table")),
        joliet_(joliet),
        type_(type) {}

  base::Status Write(const ImageModel& model, EmitContext& context) const override {
    std::vector<std::uint8_t> table;
    Encode(model, &table);
    table.resize(blocks() * kBlock, 0);
    return context.sink().Write(table);
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImageModel& model, std::uint64_t lba) override {
    std::vector<std::uint8_t> table;
    Encode(model, &table);
    auto size = static_cast<std::uint32_t>(table.size());
    auto where = static_cast<std::uint32_t>(lba);
    const bool l = type_ == iso9660::PathTableType::kL;
    if (joliet_) {
      model.joliet_path_table_size = size;
      (l ? model.joliet_l_path_table : model.joliet_m_path_table) = where;
    } else {
      model.iso_path_table_size = size;
      (l ? model.iso_l_path_table : model.iso_m_path_table) = where;
    }
    return layout::BlocksFor(size);
  }

 private:
  void Encode(const ImageModel& model, std::vector<std::uint8_t>* out) const {
    const std::vector<std::uint32_t>& order = joliet_ ? model.joliet_order : model.iso_order;
    std::vector<std::uint8_t> id;
    for (std::uint32_t index : order) {
      const DirPlan& d = model.dirs[index];
      std::uint16_t parent = 1;
      if (d.node == kRootNode) {
        id.assign(1, 0);
      } else if (joliet_) {
        const std::string encoded = joliet::EncodeUcs2Be(model.joliet_name(d.node), false);
        id.assign(encoded.begin(), encoded.end());
        parent = model.dir_of(model.tree().node(d.node).parent).joliet_number;
      } else {
        std::string_view name =
            d.iso_parent == model.rr_moved ? model.relocated_name(d.node) : model.iso_name(d.node);
        id.assign(name.begin(), name.end());
        parent = model.dir_of(d.iso_parent).iso_number;
      }
      iso9660::AppendPathTableRecord(type_, joliet_ ? d.joliet_lba : d.iso_lba, parent, id, out);
    }
  }

  bool joliet_;
  iso9660::PathTableType type_;
};

class IsoDirectorySection final : public Section {
 public:
  IsoDirectorySection() : Section("iso9660 directories") {}

  base::Status Write(const ImageModel& model, EmitContext& context) const override {
    IsoRecordEncoder encoder(model);
    for (std::uint32_t index : model.iso_order) {
      const DirPlan& d = model.dirs[index];
      SectorStream stream(context.sink());
      encoder.EncodeDirectory(
          d, [&](std::span<const std::uint8_t> r) { stream.Add(r); },
          [](rockridge::ContinuationLocation, std::span<const std::uint8_t>) {});
      ASSIGN_OR_RETURN(std::uint64_t bytes, stream.Finish());
      CHECK(bytes == std::uint64_t{d.iso_blocks} * kBlock);
    }
    CHECK(encoder.continuation_blocks() == model.continuation_blocks);
    return base::Ok();
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImageModel& model, std::uint64_t lba) override {
    IsoRecordEncoder encoder(model);
    std::uint64_t next = lba;
    model.continuation_dirs.clear();
    for (std::uint32_t index : model.iso_order) {
      SectorCounter counter;
      bool continued = false;
      encoder.EncodeDirectory(
          model.dirs[index], [&](std::span<const std::uint8_t> r) { counter.Add(r.size()); },
          [&](rockridge::ContinuationLocation, std::span<const std::uint8_t>) {
            continued = true;
          });
      if (continued) model.continuation_dirs.push_back(index);
      DirPlan& d = model.dirs[index];
      d.iso_lba = static_cast<std::uint32_t>(next);
      d.iso_blocks = static_cast<std::uint32_t>(counter.blocks());
      next += d.iso_blocks;
    }
    model.continuation_blocks = encoder.continuation_blocks();
    return next - lba;
  }
};

class JolietDirectorySection final : public Section {
 public:
  JolietDirectorySection() : Section("joliet directories") {}

  base::Status Write(const ImageModel& model, EmitContext& context) const override {
    for (std::uint32_t index : model.joliet_order) {
      const DirPlan& d = model.dirs[index];
      SectorStream stream(context.sink());
      EncodeJolietDirectory(model, d, [&](std::span<const std::uint8_t> r) { stream.Add(r); });
      ASSIGN_OR_RETURN(std::uint64_t bytes, stream.Finish());
      CHECK(bytes == std::uint64_t{d.joliet_blocks} * kBlock);
    }
    return base::Ok();
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImageModel& model, std::uint64_t lba) override {
    std::uint64_t next = lba;
    for (std::uint32_t index : model.joliet_order) {
      SectorCounter counter;
      EncodeJolietDirectory(model, model.dirs[index],
                            [&](std::span<const std::uint8_t> r) { counter.Add(r.size()); });
      DirPlan& d = model.dirs[index];
      d.joliet_lba = static_cast<std::uint32_t>(next);
      d.joliet_blocks = static_cast<std::uint32_t>(counter.blocks());
      next += d.joliet_blocks;
    }
    return next - lba;
  }
};

// SUSP 5.1: the continuation areas of every ISO directory record, in the order in which
// the directory section allocated them.
class ContinuationSection final : public Section {
 public:
  ContinuationSection() : Section("rock ridge continuation areas") {}

  base::Status Write(const ImageModel& model, EmitContext& context) const override {
    IsoRecordEncoder encoder(model);
    std::vector<std::uint8_t> buffer;
    std::uint64_t flushed = 0;
    base::Status status;
    const std::uint64_t base = std::uint64_t{model.continuation_lba} * kBlock;
    auto flush = [&] {
      if (status) status = context.sink().Write(buffer);
      flushed += buffer.size();
      buffer.clear();
    };
    // Directories without continuation areas allocate none, so skipping them leaves the
    // allocator in step with the one that placed the areas.
    for (std::uint32_t index : model.continuation_dirs) {
      encoder.EncodeDirectory(
          model.dirs[index], [](std::span<const std::uint8_t>) {},
          [&](rockridge::ContinuationLocation where, std::span<const std::uint8_t> bytes) {
            const std::uint64_t at = std::uint64_t{where.block} * kBlock + where.offset - base;
            CHECK(at >= flushed + buffer.size());
            buffer.resize(static_cast<std::size_t>(at - flushed), 0);
            buffer.insert(buffer.end(), bytes.begin(), bytes.end());
            if (buffer.size() >= (1u << 18)) flush();
          });
    }
    CHECK(encoder.continuation_blocks() == model.continuation_blocks);
    const std::uint64_t total = std::uint64_t{model.continuation_blocks} * kBlock;
    CHECK(flushed + buffer.size() <= total);
    buffer.resize(static_cast<std::size_t>(total - flushed), 0);
    flush();
    return status;
  }

 protected:
  base::Expected<std::uint64_t> ComputeBlocks(ImageModel& model, std::uint64_t lba) override {
    model.continuation_lba = static_cast<std::uint32_t>(lba);
    return std::uint64_t{model.continuation_blocks};
  }
};

}  // namespace

base::Status EmitContext::Progress() {
  if (progress_ && !progress_(sink_.position(), total_bytes_)) {
    return base::Error(base::ErrorCode::kCancelled, "", "cancelled");
  }
  return base::Ok();
}

void SectorStream::Add(std::span<const std::uint8_t> record) {
  CHECK(record.size() <= 2048);
  const std::uint64_t in_sector = (flushed_ + buffer_.size()) % 2048;
  if (in_sector + record.size() > 2048) buffer_.resize(buffer_.size() + (2048 - in_sector), 0);
  buffer_.insert(buffer_.end(), record.begin(), record.end());
  if (buffer_.size() >= kChunk) {
    if (status_) status_ = sink_.Write(buffer_);
    flushed_ += buffer_.size();
    buffer_.clear();
  }
}

base::Expected<std::uint64_t> SectorStream::Finish() {
  const std::uint64_t in_sector = (flushed_ + buffer_.size()) % 2048;
  if (in_sector != 0) buffer_.resize(buffer_.size() + (2048 - in_sector), 0);
  if (status_ && !buffer_.empty()) status_ = sink_.Write(buffer_);
  flushed_ += buffer_.size();
  buffer_.clear();
  if (!status_) return status_.error();
  return flushed_;
}

std::vector<std::unique_ptr<Section>> MakeSections(const ImageModel& model) {
  std::vector<std::unique_ptr<Section>> s;
  s.push_back(std::make_unique<SystemAreaSection>());
  s.push_back(std::make_unique<VolumeDescriptorSection>(false));
  if (model.joliet) s.push_back(std::make_unique<VolumeDescriptorSection>(true));
  s.push_back(std::make_unique<TerminatorSection>());
  s.push_back(std::make_unique<PathTableSection>(false, iso9660::PathTableType::kL));
  s.push_back(std::make_unique<PathTableSection>(false, iso9660::PathTableType::kM));
  if (model.joliet) {
    s.push_back(std::make_unique<PathTableSection>(true, iso9660::PathTableType::kL));
    s.push_back(std::make_unique<PathTableSection>(true, iso9660::PathTableType::kM));
  }
  s.push_back(std::make_unique<IsoDirectorySection>());
  if (model.joliet) s.push_back(std::make_unique<JolietDirectorySection>());
  if (model.rock_ridge) s.push_back(std::make_unique<ContinuationSection>());
  s.push_back(MakeFileDataSection());
  return s;
}

}  // namespace fs::emit
