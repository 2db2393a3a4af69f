// The pg-boss adapter's tests import the class as pg-boss 10's default export;
// pg-boss 11+ exports it only by name. The newer-majors run gives those test
// files (and only them: the adapter itself gets pg-boss as published) this
// module in its place.
import { PgBoss } from "pg-boss";

export * from "pg-boss";
export default PgBoss;
