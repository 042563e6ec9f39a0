// ECMA-167 3rd edition part 4 codec helpers; see udf_file_format.h.
#include "udf/udf_file_format.h"

namespace fs::udf {

base::Expected<FileEntryFields> ParseFileEntryFields(std::span<const std::uint8_t> block,
                                                     std::uint16_t tag_identifier) {
  FileEntryFields f;
  auto copy = [&f](const auto& e) {
    f.icb_tag = e.icb_tag;
    f.uid = e.uid.get();
    f.gid = e.gid.get();
    f.permissions = e.permissions.get();
    f.file_link_count = e.file_link_count.get();
    f.information_length = e.information_length.get();
    f.modification_date_and_time = e.modification_date_and_time;
    f.unique_id = e.unique_id.get();
    f.length_of_extended_attributes = e.length_of_extended_attributes.get();
    f.length_of_allocation_descriptors = e.length_of_allocation_descriptors.get();
    f.header_length = sizeof e;
  };
  if (tag_identifier == kFileEntry) {
    ASSIGN_OR_RETURN(const FileEntry e, FileEntry::Parse(block));
    copy(e);
  } else {
    ASSIGN_OR_RETURN(const ExtendedFileEntry e, ExtendedFileEntry::Parse(block));
    copy(e);
  }
  return f;
}

}  // namespace fs::udf
