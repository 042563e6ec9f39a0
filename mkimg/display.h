// Names and paths as mkimg shows them to a person (ls, warnings, errors): the bytes of an
// image or a host path are not trusted to be UTF-8 or free of control characters, so
// that one name is always one line and never a terminal escape sequence. Independent of
// the locale: the rules below are all that decides.
#ifndef MKIMG_MKIMG_DISPLAY_H_
#define MKIMG_MKIMG_DISPLAY_H_

#include <string>
#include <string_view>

namespace mkimg {

// Valid UTF-8 is copied unchanged except: `\` becomes `\\`; \n \t \r become `\n` `\t`
// `\r`; other C0 controls, DEL and the C1 controls (U+0080-U+009F) become `\xNN`, one per
// byte; each byte that is not part of valid UTF-8 becomes `\xNN` (upper-case hex).
void AppendPrintable(std::string_view s, std::string* out);
std::string Printable(std::string_view s);

}  // namespace mkimg

#endif  // MKIMG_MKIMG_DISPLAY_H_
