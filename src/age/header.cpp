#include "age/header.h"

#include <algorithm>

#include "age/primitives.h"
#include "oci/base64.h"

namespace ec::age::internal {
namespace {

constexpr std::size_t kColumns = 64;
constexpr std::string_view kStanzaPrefix = "-> ";
constexpr std::string_view kMacPrefix = "---";
constexpr std::string_view kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";

bool IsVchar(char c) { return c >= 33 && c <= 126; }

bool IsB64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

// A printable excerpt of a header line for error messages.
std::string Quote(std::string_view line) {
  std::string out = "\"";
  for (char c : line.substr(0, 64)) out.push_back(IsVchar(c) || c == ' ' ? c : '?');
  if (line.size() > 64) out += "…";
  return out + "\"";
}

std::vector<std::string> SplitArgs(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t sp = s.find(' ', start);
    out.emplace_back(s.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) return out;
    start = sp + 1;
  }
}

// Pulls lines out of a Reader, keeping the bytes read beyond the last line returned.
class LineReader {
 public:
  LineReader(oci::Reader& in, std::string_view what) : in_(in), what_(what) {}

  // Up to `n` buffered bytes from the current position; fewer only at end of stream.
  Result<std::string_view> Peek(std::size_t n) {
    while (buf_.size() - pos_ < n) {
      EC_ASSIGN_OR_RETURN(std::size_t got, Fill());
      if (got == 0) break;
    }
    return std::string_view(buf_).substr(pos_, n);
  }

  // The next line without its '\n'; end of stream before the '\n' is DataLoss.
  Result<std::string_view> Next() {
    while (true) {
      const std::size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos) {
        std::string_view line(buf_.data() + pos_, nl - pos_);
        pos_ = nl + 1;
        ++line_no_;
        return line;
      }
      if (buf_.size() >= kMaxHeaderBytes) {
        return DataLoss(StrCat(what_, ": age header longer than ", kMaxHeaderBytes, " bytes"));
      }
      EC_ASSIGN_OR_RETURN(std::size_t n, Fill());
      if (n == 0) {
        return DataLoss(StrCat(what_, ": age header truncated at line ", line_no_ + 1));
      }
    }
  }
  int line_no() const { return line_no_; }
  // Everything consumed so far (the header bytes) and what follows it.
  std::string_view Consumed() const { return std::string_view(buf_).substr(0, pos_); }
  std::string Rest() const { return buf_.substr(pos_); }

 private:
  Result<std::size_t> Fill() {
    char chunk[4096];
    EC_ASSIGN_OR_RETURN(std::size_t n, in_.Read(chunk));
    buf_.append(chunk, n);
    return n;
  }

  oci::Reader& in_;
  std::string_view what_;
  std::string buf_;
  std::size_t pos_ = 0;
  int line_no_ = 0;
};

}  // namespace

std::string EncodeB64(std::string_view bytes) {
  std::string out = oci::EncodeBase64(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::optional<std::string> DecodeB64(std::string_view text) {
  if (!std::all_of(text.begin(), text.end(), IsB64Char)) return std::nullopt;
  std::optional<std::string> out = oci::DecodeBase64(text);
  // Non-zero unused trailing bits would be a second spelling of the same bytes.
  if (!out || EncodeB64(*out) != text) return std::nullopt;
  return out;
}

std::string FormatHeaderForMac(const std::vector<Stanza>& stanzas) {
  std::string out = StrCat(kVersionLine, "\n");
  for (const Stanza& s : stanzas) {
    out += kStanzaPrefix;
    out += s.type;
    for (const std::string& arg : s.args) out += " " + arg;
    out += "\n";
    // Full 64-column lines, then one shorter (possibly empty) line that ends the body.
    const std::string body = EncodeB64(s.body);
    std::size_t pos = 0;
    for (; body.size() - pos >= kColumns; pos += kColumns) {
      out += body.substr(pos, kColumns) + "\n";
    }
    out += body.substr(pos) + "\n";
  }
  out += kMacPrefix;
  return out;
}

std::string FormatHeader(std::string_view header_for_mac, std::string_view mac) {
  return StrCat(header_for_mac, " ", EncodeB64(mac), "\n");
}

Result<ParsedHeader> ReadHeader(oci::Reader& in, std::string_view what) {
  LineReader lines(in, what);
  auto bad = [&](std::string why) {
    return DataLoss(StrCat(what, ": age header line ", lines.line_no(), ": ", why));
  };

  // Check the first bytes before looking for a whole line: a binary file may have no '\n'.
  const std::string version = StrCat(kVersionLine, "\n");
  EC_ASSIGN_OR_RETURN(std::string_view first,
                      lines.Peek(std::max(version.size(), kArmorBegin.size())));
  if (first.substr(0, kArmorBegin.size()) == kArmorBegin) {
    return InvalidArgument(StrCat(what, ": ASCII-armored age files are not supported; decode "
                                        "the armor first"));
  }
  if (first.substr(0, version.size()) != version) {
    return InvalidArgument(StrCat(what, ": not an age file: got first bytes ",
                                  Quote(first.substr(0, version.size())), ", want \"",
                                  kVersionLine, "\\n\""));
  }
  EC_RETURN_IF_ERROR(lines.Next());

  ParsedHeader out;
  while (true) {
    EC_ASSIGN_OR_RETURN(std::string_view line, lines.Next());
    if (line.substr(0, kMacPrefix.size()) == kMacPrefix) {
      if (line.size() < 4 || line[3] != ' ') {
        return bad(StrCat("got ", Quote(line), ", want \"--- <MAC>\""));
      }
      std::optional<std::string> mac = DecodeB64(line.substr(4));
      if (!mac || mac->size() != kMacSize) {
        return bad("header MAC is not canonical unpadded base64 of 32 bytes");
      }
      out.mac = std::move(*mac);
      const std::string_view consumed = lines.Consumed();
      // The MAC covers everything up to and including "---", not the space after it.
      out.mac_input = std::string(consumed.substr(0, consumed.size() - line.size() - 1 + 3));
      out.leftover = lines.Rest();
      return out;
    }
    if (line.substr(0, kStanzaPrefix.size()) != kStanzaPrefix) {
      return bad(StrCat("got ", Quote(line), ", want a stanza (\"-> \") or the MAC (\"--- \")"));
    }
    std::vector<std::string> args = SplitArgs(line.substr(kStanzaPrefix.size()));
    for (const std::string& arg : args) {
      if (arg.empty() || !std::all_of(arg.begin(), arg.end(), IsVchar)) {
        return bad(StrCat("stanza arguments in ", Quote(line),
                          " must be non-empty printable ASCII separated by single spaces"));
      }
    }
    Stanza stanza;
    stanza.type = std::move(args.front());
    stanza.args.assign(std::make_move_iterator(args.begin() + 1),
                       std::make_move_iterator(args.end()));
    std::string body;
    while (true) {
      EC_ASSIGN_OR_RETURN(std::string_view body_line, lines.Next());
      if (body_line.size() > kColumns) {
        return bad(StrCat("stanza body line is ", body_line.size(), " columns, want at most 64"));
      }
      if (!std::all_of(body_line.begin(), body_line.end(), IsB64Char)) {
        return bad(StrCat("stanza body line ", Quote(body_line),
                          " is not unpadded base64 (the body must end with a line shorter than "
                          "64 columns)"));
      }
      body += body_line;
      if (body_line.size() < kColumns) break;
    }
    std::optional<std::string> decoded = DecodeB64(body);
    if (!decoded) {
      return bad(StrCat("stanza \"", stanza.type, "\": body is not canonical base64"));
    }
    stanza.body = std::move(*decoded);
    out.stanzas.push_back(std::move(stanza));
  }
}

}  // namespace ec::age::internal
