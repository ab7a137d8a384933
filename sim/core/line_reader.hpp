#pragma once
/// @file line_reader.hpp
/// Reads a text file line by line in 1 MiB pieces, so that a trace of any size costs the memory of what its reader
/// keeps, not of its text.

#include <cstddef>
#include <functional>
#include <istream>
#include <string_view>

namespace capsim {

/// Calls `line(text)` for every line of `in`, without its end: lines end at "\n", "\r\n" or a lone "\r", and a
/// UTF-8 byte-order mark at the start is dropped. A line longer than `max_line` bytes is not passed on:
/// `overlong()` is called in its place. `line` returns false to stop reading.
void for_each_line(std::istream& in, std::size_t max_line, const std::function<bool(std::string_view)>& line,
                   const std::function<void()>& overlong);

}  // namespace capsim
