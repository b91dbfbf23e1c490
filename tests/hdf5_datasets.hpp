#pragma once
// Every dataset of an HDF5 file as raw bytes in the file's own type (text for
// variable-length strings), by path: for checking that two files hold
// bit-identical data (attributes such as timestamps may differ).
#include <map>
#include <string>
#include <vector>

#include <H5Cpp.h>

namespace journeysim::testing_hdf5 {

inline void collect_datasets(const H5::Group& group, const std::string& prefix,
                             std::map<std::string, std::vector<char>>& out) {
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    const std::string name = group.getObjnameByIdx(i);
    if (group.childObjType(name) == H5O_TYPE_GROUP) {
      collect_datasets(group.openGroup(name), prefix + name + "/", out);
      continue;
    }
    const H5::DataSet dataset = group.openDataSet(name);
    const H5::DataType type = dataset.getDataType();
    const auto elements = static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNpoints());
    std::vector<char> bytes;
    if (type.getClass() == H5T_STRING && H5::StrType(dataset).isVariableStr()) {
      // Variable-length strings read as pointers: keep their text, each ended by a NUL.
      std::vector<char*> strings(elements);
      const H5::StrType string_type = dataset.getStrType();
      if (elements > 0) dataset.read(strings.data(), string_type);
      for (const char* text : strings) {
        for (const char* c = text ? text : ""; *c != '\0'; ++c) bytes.push_back(*c);
        bytes.push_back('\0');
      }
      if (elements > 0) H5Dvlen_reclaim(string_type.getId(), dataset.getSpace().getId(), H5P_DEFAULT, strings.data());
    } else {
      bytes.resize(elements * type.getSize());
      if (!bytes.empty()) dataset.read(bytes.data(), type);
    }
    out[prefix + name] = std::move(bytes);
  }
}

inline std::map<std::string, std::vector<char>> datasets_of(const std::string& path) {
  std::map<std::string, std::vector<char>> out;
  const H5::H5File file(path, H5F_ACC_RDONLY);
  collect_datasets(file.openGroup("/"), "/", out);
  return out;
}

}  // namespace journeysim::testing_hdf5
