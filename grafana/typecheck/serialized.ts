/**
 * A Grafana schema type as its JSON is written. @grafana/schema declares some fields with TypeScript string
 * enums (ThresholdsMode, FieldColorModeId, MappingType, ...); a dashboard's JSON holds their values ("absolute",
 * "thresholds", "value"), which TypeScript does not accept for an enum type. Serialized<T> replaces every string
 * enum (and string literal type) by the union of its values, everywhere in T, and leaves all else as it is:
 * required fields stay required, optional stay optional, and unknown fields are still refused.
 * Numeric enums (VariableHide, VariableRefresh, DashboardCursorSync, ...) need nothing: JSON writes them as numbers,
 * which TypeScript accepts when they are a member's value.
 */
export type Serialized<T> =
  0 extends 1 & T ? T // any stays any
  : T extends string ? `${T}`
  : T extends readonly (infer E)[] ? Serialized<E>[]
  : T extends object ? { [K in keyof T]: Serialized<T[K]> }
  : T;
