import { endToEndSuite } from "./support/end-to-end-suite.js";

endToEndSuite("pglite");
