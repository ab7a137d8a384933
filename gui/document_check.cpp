#include "gui/document_check.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstddef>
#include <exception>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"
#include "planner/search/search_space.hpp"
#include "planner/tco/study.hpp"
#include "sim/core/error.hpp"

namespace capsim::gui {

namespace {

constexpr const char* kStudySchema = "capsim/study/v1";

/// The RFC 6901 tokens of `pointer`, unescaped ("~1" -> "/", "~0" -> "~").
std::vector<std::string> pointer_tokens(const std::string& pointer) {
  std::vector<std::string> tokens;
  std::size_t at = 0;
  while (at < pointer.size() && pointer[at] == '/') {
    std::size_t end = pointer.find('/', at + 1);
    if (end == std::string::npos) end = pointer.size();
    std::string token;
    for (std::size_t i = at + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        token += pointer[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    tokens.push_back(std::move(token));
    at = end;
  }
  return tokens;
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

/// Walks JSON text far enough to find where a value starts. Tolerates what it does not need to understand: it only
/// has to agree with nlohmann on texts that parse.
class Locator {
 public:
  explicit Locator(const std::string& text) : t_(text) {}

  /// Byte offset where the value at `tokens` (or its deepest existing parent) starts; npos if none.
  std::size_t find(const std::vector<std::string>& tokens) {
    space();
    if (pos_ >= t_.size()) return std::string::npos;
    std::size_t best = pos_;
    for (const std::string& token : tokens) {
      if (!step(token)) return best;
      best = pos_;
    }
    return best;
  }

 private:
  void space() {
    while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
  }
  bool at(char c) const { return pos_ < t_.size() && t_[pos_] == c; }

  /// Moves into member or element `token` of the value at pos_; false when there is none.
  bool step(const std::string& token) {
    if (at('{')) {
      ++pos_;
      for (space(); pos_ < t_.size() && !at('}'); space()) {
        std::string key;
        if (!string(&key)) return false;
        space();
        if (!at(':')) return false;
        ++pos_;
        space();
        if (key == token) return true;
        skip_value();
        space();
        if (at(',')) ++pos_;
        else if (!at('}')) return false;
      }
      return false;
    }
    if (at('[')) {
      if (token.empty() || token.size() > 9 || token.find_first_not_of("0123456789") != std::string::npos) {
        return false;
      }
      const std::size_t index = std::strtoul(token.c_str(), nullptr, 10);
      ++pos_;
      for (std::size_t i = 0;; ++i) {
        space();
        if (pos_ >= t_.size() || at(']')) return false;
        if (i == index) return true;
        skip_value();
        space();
        if (at(',')) ++pos_;
        else return false;
      }
    }
    return false;
  }

  /// Reads a string at pos_ into `out` (if given), decoding escapes.
  bool string(std::string* out) {
    if (!at('"')) return false;
    for (++pos_; pos_ < t_.size(); ++pos_) {
      char c = t_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') {
        if (out) *out += c;
        continue;
      }
      if (++pos_ >= t_.size()) return false;
      c = t_[pos_];
      if (c == 'u' && pos_ + 4 < t_.size()) {
        const std::string hex = t_.substr(pos_ + 1, 4);
        const auto code = static_cast<unsigned>(std::strtoul(hex.c_str(), nullptr, 16));
        if (out) append_utf8(*out, code);
        pos_ += 4;
        continue;
      }
      if (!out) continue;
      switch (c) {
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case 'r': *out += '\r'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        default: *out += c;
      }
    }
    return false;
  }

  void skip_value() {
    if (at('"')) {
      string(nullptr);
      return;
    }
    if (at('{') || at('[')) {
      int depth = 0;
      while (pos_ < t_.size()) {
        if (at('"')) {
          string(nullptr);
          continue;
        }
        char c = t_[pos_++];
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return;
      }
      return;
    }
    while (pos_ < t_.size() && std::string_view(",]} \t\r\n").find(t_[pos_]) == std::string_view::npos) ++pos_;
  }

  const std::string& t_;
  std::size_t pos_ = 0;
};

/// Line and column (in characters, not UTF-8 bytes) of byte `offset`.
TextPosition position_of(const std::string& text, std::size_t offset) {
  TextPosition p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

/// Where nlohmann stops on a syntax error in `text` (the same byte parse_json_text reports).
TextPosition syntax_error_position(const std::string& text) {
  try {
    const nlohmann::json ignored = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t byte = std::min<std::size_t>(e.byte == 0 ? 1 : e.byte, text.size());
    return position_of(text, byte == 0 ? 0 : byte - 1);
  } catch (const nlohmann::json::exception&) {
  }
  return {};
}

Problem problem_of(const Diagnostic& d, const std::string& file) {
  Problem p;
  if (d.file == file) {
    p.pointer = d.pointer;
    p.message = d.message + (d.hint.empty() ? "" : " (" + d.hint + ")");
  } else {
    p.message = d.to_string();  // another file's problem: its own file and pointer say where
  }
  return p;
}

}  // namespace

bool is_study_text(const std::string& text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  return doc.is_object() && doc.contains("schema") && doc["schema"] == kStudySchema;
}

std::vector<Problem> check_document(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> diagnostics;
  std::vector<Problem> problems;
  const std::optional<nlohmann::json> doc = planner::parse_json_text(text, file, diagnostics);
  if (!doc) {
    for (const Diagnostic& d : diagnostics) {
      Problem p = problem_of(d, file);
      const TextPosition at = syntax_error_position(text);
      p.line = at.line;
      p.column = at.column;
      problems.push_back(std::move(p));
    }
    return problems;
  }
  try {
    if (doc->is_object() && doc->contains("schema") && (*doc)["schema"] == kStudySchema) {
      (void)planner::tco::load_study(*doc, file);
    } else if (doc->is_object() && doc->contains("search")) {  // a design search: `capsim search`'s loader
      planner::search::SearchSpec spec;
      (void)planner::search::load_search_scenario(text, file, spec);
    } else {
      (void)planner::load_scenario(*doc, file);
    }
  } catch (const InputError& e) {
    diagnostics = e.diagnostics();
  } catch (const std::exception& e) {
    // Not an input problem the loader words (an infeasible request, a library error): still the document's, and the
    // editor must keep running.
    diagnostics.push_back({file, "", e.what(), ""});
  }
  for (const Diagnostic& d : diagnostics) {
    Problem p = problem_of(d, file);
    const TextPosition at = locate_pointer(text, p.pointer);
    p.line = at.line;
    p.column = at.column;
    problems.push_back(std::move(p));
  }
  return problems;
}

TextPosition locate_pointer(const std::string& text, const std::string& pointer) {
  Locator locator(text);
  const std::size_t offset = locator.find(pointer_tokens(pointer));
  if (offset == std::string::npos) return {};
  return position_of(text, offset);
}

bool pointer_at_or_under(const std::string& pointer, const std::string& field) {
  if (!pointer.starts_with(field)) return false;
  return pointer.size() == field.size() || pointer[field.size()] == '/';
}

}  // namespace capsim::gui
