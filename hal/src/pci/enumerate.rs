//! Enumeration: walks every bus reachable from each ECAM window's first
//! bus through bridges, every device and (for multi-function devices)
//! every function.

use super::config::EcamWindow;
use super::device::{Address, PciDevice};
use alloc::vec::Vec;

/// Every present function behind `windows`, in address order.
pub fn enumerate(windows: &[EcamWindow]) -> Vec<PciDevice> {
    let mut found = Vec::new();
    for window in windows {
        let mut visited = [false; 256];
        scan_bus(window, window.bus_start, &mut visited, &mut found);
    }
    found.sort_by_key(|d| d.address);
    found
}

fn scan_bus(window: &EcamWindow, bus: u8, visited: &mut [bool; 256], out: &mut Vec<PciDevice>) {
    if visited[usize::from(bus)] {
        return;
    }
    visited[usize::from(bus)] = true;
    for device in 0..32u8 {
        let Some(first) = probe(window, bus, device, 0) else {
            continue;
        };
        let functions = if first.multi_function() { 8 } else { 1 };
        let mut present = alloc::vec![first];
        present.extend((1..functions).filter_map(|f| probe(window, bus, device, f)));
        for function in present {
            if let Some((secondary, subordinate)) = function.bridge_buses()
                && secondary > bus
                && secondary <= subordinate
                && secondary <= window.bus_end
            {
                scan_bus(window, secondary, visited, out);
            }
            out.push(function);
        }
    }
}

fn probe(window: &EcamWindow, bus: u8, device: u8, function: u8) -> Option<PciDevice> {
    let address = Address {
        segment: window.segment,
        bus,
        device,
        function,
    };
    PciDevice::probe(address, window.function_phys(address)?)
}
