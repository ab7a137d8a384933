#pragma once
/// @file json_reader.hpp
/// Reads user JSON without throwing on the first problem: every read checks type and range, records a
/// capsim::Diagnostic with the file and JSON pointer when the value is wrong, and returns std::nullopt. The caller
/// goes on and throws one capsim::InputError at the end (`JsonReader::throw_if_errors`).

#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner {

/// Bounds on what a scenario may state, far above any machine built: a bandwidth or a byte count beyond them is a
/// unit slip, reported as such rather than simulated.
inline constexpr double kMaxStatedBandwidth_Bps = 1e16;
inline constexpr double kMaxStatedBytes = 1e21;

/// `pointer` extended by one object member, escaped per RFC 6901 ("~" -> "~0", "/" -> "~1").
std::string json_pointer_append(const std::string& pointer, std::string_view key);
/// `pointer` extended by one array index.
std::string json_pointer_append(const std::string& pointer, std::size_t index);

/// The candidate a user most likely meant by `word` (one edit away first, then the shortest candidate containing the
/// word, then the nearest in edits within about a third of the word), or "" if none is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
/// Levenshtein distance between two strings (ASCII case-insensitive).
std::size_t edit_distance(std::string_view a, std::string_view b);
/// "a, b or c" (with `last` between the final two items).
std::string join_alternatives(const std::vector<std::string>& items, std::string_view last = " or ");
/// What a JSON value is, for "found ..." in messages: `"abc"`, `2.5`, `an array`, `an object`, `null`. Long strings
/// are shortened; never throws.
std::string describe_json(const nlohmann::json& value);
/// `text` with every byte that is not printable ASCII replaced by '?', so messages stay valid UTF-8.
std::string printable_ascii(std::string_view text);

/// `path` as written in `referring_file`: relative paths start at that file's folder.
std::string resolve_path(const std::string& referring_file, const std::string& path);

/// Parses JSON text. On a syntax error records a diagnostic ("invalid JSON at line L, column C: ...") for `file`
/// in `out` and returns std::nullopt. Never throws.
std::optional<nlohmann::json> parse_json_text(std::string_view text, const std::string& file,
                                              std::vector<Diagnostic>& out);
/// Why `path` cannot be opened as a file ("no such file", "it is a directory", ...), or "" when it can.
std::string not_a_readable_file(const std::string& path);
/// Reads a regular file of at most 256 MiB into `text`; otherwise records why not in `out` (with `pointer`, the
/// place in the referring document, if any) and returns false.
bool read_text_file(const std::string& path, std::string& text, const std::string& file, const std::string& pointer,
                    std::vector<Diagnostic>& out);

/// Collects the diagnostics of one input file and reads typed values out of it.
class JsonReader {
 public:
  /// `file` is the path as the user named it; it prefixes every diagnostic.
  explicit JsonReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  /// Records a problem at `pointer`.
  void error(const std::string& pointer, std::string message, std::string hint = {});
  /// Records problems found by another loader (they keep their own file names).
  void add(const std::vector<Diagnostic>& diagnostics);
  std::size_t error_count() const { return diagnostics_.size(); }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  /// Throws capsim::InputError with every recorded problem, if there is any.
  void throw_if_errors() const;

  /// An integer in [min, max]: a JSON number with no fraction, or a count string such as "4k".
  std::optional<long long> integer(const nlohmann::json& v, const std::string& pointer, long long min, long long max);
  /// A finite JSON number in [min, max] (or (min, max] when `min_exclusive`).
  std::optional<double> number(const nlohmann::json& v, const std::string& pointer, double min, double max,
                               bool min_exclusive = false);
  /// A quantity: a JSON number in SI units or a string with a unit of dimension `dim`, in [min, max] (or (min, max]).
  std::optional<double> quantity(const nlohmann::json& v, const std::string& pointer, units::Dimension dim, double min,
                                 double max, bool min_exclusive = false);
  /// A string; empty strings are rejected unless `allow_empty`.
  std::optional<std::string> string(const nlohmann::json& v, const std::string& pointer, bool allow_empty = false);
  std::optional<bool> boolean(const nlohmann::json& v, const std::string& pointer);
  /// A string that must be one of `options` (did-you-mean hint otherwise).
  std::optional<std::string> choice(const nlohmann::json& v, const std::string& pointer,
                                    const std::vector<std::string>& options);
  /// True if `v` is an object; records a diagnostic otherwise.
  bool expect_object(const nlohmann::json& v, const std::string& pointer);
  /// True if `v` is an array; records a diagnostic otherwise.
  bool expect_array(const nlohmann::json& v, const std::string& pointer);

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

/// Walks one JSON object. Every member read (or `allow`ed) becomes known; `finish()` reports the others as unknown
/// keys with a did-you-mean hint. Keys starting with "_" and "description"/"comment" are free text, never reported.
/// The object must outlive the reader.
class ObjectReader {
 public:
  /// Records a diagnostic if `value` is not an object; every read then returns std::nullopt.
  ObjectReader(JsonReader& reader, const nlohmann::json& value, std::string pointer);

  bool ok() const { return object_ != nullptr; }
  const std::string& pointer() const { return pointer_; }
  /// Pointer of member `key` (present or not).
  std::string pointer(std::string_view key) const { return json_pointer_append(pointer_, key); }
  bool has(std::string_view key) const;
  JsonReader& reader() { return reader_; }

  /// Member `key`, now known; nullptr if absent. If `required`, absence is reported, saying `expected`.
  const nlohmann::json* get(std::string_view key, bool required = false, std::string_view expected = "a value");
  /// Marks keys as known without reading them.
  void allow(std::initializer_list<std::string_view> keys);

  std::optional<long long> integer(std::string_view key, long long min, long long max, bool required = false);
  std::optional<double> number(std::string_view key, double min, double max, bool min_exclusive = false,
                               bool required = false);
  std::optional<double> quantity(std::string_view key, units::Dimension dim, double min, double max,
                                 bool min_exclusive = false, bool required = false);
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<std::string> choice(std::string_view key, const std::vector<std::string>& options,
                                    bool required = false);

  /// Reports every member that was neither read nor allowed.
  void finish();

 private:
  JsonReader& reader_;
  const nlohmann::json* object_ = nullptr;
  std::string pointer_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace capsim::planner
