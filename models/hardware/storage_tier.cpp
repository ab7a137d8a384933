#include "models/hardware/storage_tier.hpp"

#include <algorithm>
#include <limits>

namespace capsim::hw {

namespace {

/// `bw` limited by `limit` when the limit is set (> 0).
double cap(double bw, double limit) { return limit > 0 ? std::min(bw, limit) : bw; }

}  // namespace

std::string_view to_string(StorageKind kind) {
  switch (kind) {
    case StorageKind::local_nvme: return "local-nvme";
    case StorageKind::parallel_fs: return "parallel-fs";
    case StorageKind::object_store: return "object-store";
  }
  return "?";
}

double StorageTier::bandwidth_Bps(int nodes) const {
  const double n = std::max(nodes, 1);
  switch (kind) {
    case StorageKind::local_nvme:
      return n * bw_per_node_Bps;
    case StorageKind::parallel_fs: {
      const double servers_bw = servers > 0 && bw_per_server_Bps > 0 ? servers * bw_per_server_Bps
                                                                     : std::numeric_limits<double>::infinity();
      double bw = cap(servers_bw, aggregate_bw_Bps);
      if (client_bw_per_node_Bps > 0) bw = std::min(bw, n * client_bw_per_node_Bps);
      return bw;
    }
    case StorageKind::object_store: {
      const double per_node = cap(stream_bw_Bps * std::max(streams_per_node, 1), client_bw_per_node_Bps);
      return cap(n * per_node, aggregate_bw_Bps);
    }
  }
  return 0;
}

double StorageTier::capacity_for_B(int nodes) const {
  return kind == StorageKind::local_nvme ? std::max(nodes, 1) * capacity_per_node_B : capacity_B;
}

double StorageTier::startup_s() const { return kind == StorageKind::object_store ? request_latency_s : 0.0; }

StorageTier default_local_nvme() {
  StorageTier t;
  t.name = "nvme";
  t.kind = StorageKind::local_nvme;
  t.bw_per_node_Bps = 25e9;
  t.capacity_per_node_B = 8 * 3.84e12;
  return t;
}

StorageTier default_parallel_fs() {
  StorageTier t;
  t.name = "pfs";
  t.kind = StorageKind::parallel_fs;
  t.servers = 7500;
  t.bw_per_server_Bps = 7e12 / 7500;  // Tectonic's 7 TB/s peak over its servers
  t.aggregate_bw_Bps = 2e12;          // ... and 2 TB/s sustained
  // Estimate: a few metadata servers at a few hundred thousand creates per second each.
  t.metadata_ops_per_s = 1e6;
  t.client_bw_per_node_Bps = 50e9;  // estimate: one 400 Gb/s front-end NIC per node
  t.capacity_B = 240e15;
  return t;
}

StorageTier default_object_store() {
  StorageTier t;
  t.name = "s3";
  t.kind = StorageKind::object_store;
  // Estimates: about 90 MB/s per S3 stream, 64 streams per node, 100 Gb/s per node, 100 ms to first byte (AWS S3
  // performance guidelines: 100-200 ms first-byte latency, scale by parallel connections).
  t.stream_bw_Bps = 90e6;
  t.streams_per_node = 64;
  t.client_bw_per_node_Bps = 12.5e9;
  t.request_latency_s = 0.1;
  t.capacity_B = 0;  // unbounded
  t.usd_per_GB_month = 0.023;
  t.egress_usd_per_GB = 0.09;
  return t;
}

StorageTier default_tier(StorageKind kind) {
  switch (kind) {
    case StorageKind::local_nvme: return default_local_nvme();
    case StorageKind::parallel_fs: return default_parallel_fs();
    case StorageKind::object_store: return default_object_store();
  }
  return default_parallel_fs();
}

}  // namespace capsim::hw
