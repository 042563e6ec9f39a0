// The El Torito writer (specs/eltorito.md "The writer"): the boot record volume descriptor
// (El Torito 1.0 2.0), the boot catalog (2.1-2.5) and the boot images, on the codec of
// eltorito_format.h. Boot images that are files of the tree are written with the file data
// (their content replaced by a patched copy when a boot information table or GRUB's boot
// info is asked for); images no file system names (host files given as `source`, the FAT
// image of `efi_directory`) and a catalog without a path are sections of their own. The
// hybrid MBR/GPT writer (partition/hybrid_writer.h) reads the placed images from here.
#ifndef MKIMG_FS_ELTORITO_ELTORITO_WRITER_H_
#define MKIMG_FS_ELTORITO_ELTORITO_WRITER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/error.h"
#include "fs/content_source.h"
#include "fs/image_spec.h"
#include "plan/image_plan.h"
#include "plan/placement.h"

namespace fs::eltorito {

// Where the plan placed things, for content sources written outside the file data.
class PlanPlacedImage final : public PlacedImage {
 public:
  explicit PlanPlacedImage(const plan::ImagePlan& plan) : plan_(plan) {}
  std::uint32_t start_lba() const override { return plan_.start_lba; }
  std::uint64_t total_blocks() const override { return plan_.total_blocks; }
  std::optional<std::uint32_t> DataLba(NodeId file) const override;

 private:
  const plan::ImagePlan& plan_;
};

// The 512-byte sector count an entry records when the manifest gives none
// (specs/eltorito.md "Defaults"): 1 for an emulated floppy or hard disk; for no emulation
// the whole image, in 512-byte sectors for UEFI and rounded up to 2048 bytes elsewhere
// (mkisofs's default); past 65,535 sectors 65,535, or 0 for UEFI ("to the end").
std::uint16_t DefaultLoadSize(const BootEntrySpec& entry, std::uint64_t image_size);

// GRUB's boot info (xorriso --grub2-boot-info): bytes 2548-2555 of GRUB's El Torito image
// (the block list of the diskboot.img inside it) get the image's 512-byte sector + 5.
Patch Grub2BootInfo();

class BootWriter : public std::enable_shared_from_this<BootWriter> {
 public:
  // Checks plan.spec.boot against the tree and lays out the catalog; replaces the content
  // of tree images that need a patch and gives the catalog's file its content. Runs before
  // visibility. kInvalidInput naming the entry for what El Torito cannot record.
  static base::Expected<std::shared_ptr<BootWriter>> Prepare(plan::ImagePlan& plan);

  // The boot record (after the primary volume descriptor), the hidden catalog and images.
  // `esp_last`: an ESP no file system names goes after the file data (hybrid GPT layout).
  void AddSections(const plan::ImagePlan& plan, plan::Placement& placement, bool esp_last);

  // After placement: an entry's image (first block, bytes) and the catalog's first block.
  std::uint32_t ImageLba(const plan::ImagePlan& plan, std::size_t entry) const;
  std::uint64_t ImageSize(std::size_t entry) const { return images_[entry].size; }
  std::uint32_t CatalogLba(const plan::ImagePlan& plan) const;
  const BootSpec& spec() const { return *spec_; }
  // The first entry of a platform; nullopt if there is none.
  std::optional<std::size_t> FirstOf(std::uint8_t platform) const;

  // The catalog's bytes once every image is placed.
  std::vector<std::uint8_t> Catalog(const PlacedImage& image) const;

 private:
  struct Image {
    NodeId node = kNoNode;                        // in the tree, or
    std::shared_ptr<const ContentSource> source;  // written by a section of its own
    std::uint64_t size = 0;
    std::uint32_t hidden_lba = 0;  // set when its section is placed
  };
  // One section header (2.3) and its entries, by index into spec().entries.
  struct CatalogSection {
    std::uint8_t platform = 0;
    std::string id;
    std::vector<std::size_t> entries;
  };
  friend class HiddenSection;
  friend class CatalogSource;
  friend class BootRecordSection;

  std::uint32_t EntryLba(const PlacedImage& image, std::size_t entry) const;
  std::size_t CatalogBytes() const;

  const BootSpec* spec_ = nullptr;
  std::vector<Image> images_;
  std::size_t default_entry_ = 0;
  std::vector<CatalogSection> sections_;
  NodeId catalog_node_ = kNoNode;
  std::shared_ptr<const ContentSource> catalog_source_;
  std::uint32_t hidden_catalog_lba_ = 0;
};

}  // namespace fs::eltorito

#endif  // MKIMG_FS_ELTORITO_ELTORITO_WRITER_H_
