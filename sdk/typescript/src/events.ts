// The node's events as `GET /v1/events` streams them (docs/events.md).

import type { AgentState } from "./types.js";

/** The categories an event stream can carry. */
export type EventCategory = "agent" | "ipc" | "capability" | "policy" | "device" | "security";

/** What every event has: its place on the node's bus and when it happened. */
interface EventBase {
  /** Gap-free across the bus; a stream sees gaps where its filter excluded events. */
  seq: number;
  /** Nanoseconds since boot. */
  time_ns: number;
}

/** An agent spawned (runnable) or finished (exited, trapped, killed). */
export interface AgentEvent extends EventBase {
  category: "agent";
  agent: number;
  state: AgentState;
}

/** A message delivered, refused, pushed back or expired. */
export interface IpcEvent extends EventBase {
  category: "ipc";
  from: number;
  to: number;
  intent: string;
  outcome: "delivered" | "refused" | "pushed_back" | "expired";
}

/** A capability granted, transferred, revoked or expired. */
export interface CapabilityEvent extends EventBase {
  category: "capability";
  agent: number;
  kind:
    | "agent"
    | "spawn_budget"
    | "intent"
    | "memory_region"
    | "store_namespace"
    | "net_endpoint"
    | "model"
    | "event_topic"
    | "console"
    | "system"
    | "policy";
  action: "granted" | "transferred" | "revoked" | "expired";
  /** The other agent, such as the granter. */
  peer?: number;
}

/** A policy decision other than a plain allow. */
export interface PolicyEvent extends EventBase {
  category: "policy";
  agent: number;
  operation: string;
  resource: string;
  effect: "allow" | "deny" | "audit" | "approval_required";
}

/** A device attached, ready, failed or removed. */
export interface DeviceEvent extends EventBase {
  category: "device";
  device: string;
  state: "attached" | "ready" | "failed" | "removed";
}

/** A security alert. */
export interface SecurityEvent extends EventBase {
  category: "security";
  agent?: number;
  alert: "image_refused" | "forged_handle" | "quota_exceeded" | "audit_tampered" | "agent_fault";
  detail: string;
}

/** An event of any category; narrow it on `category`. */
export type NodeEvent =
  | AgentEvent
  | IpcEvent
  | CapabilityEvent
  | PolicyEvent
  | DeviceEvent
  | SecurityEvent;

/** Which events a stream carries. */
export interface EventFilter {
  /** Categories to carry; all if absent. */
  categories?: EventCategory[];
  /** Only events that involve this agent. */
  agent?: number;
}
