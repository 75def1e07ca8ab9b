// Syntax highlighting, loaded on demand by CodeBlock: highlight.js core with only the languages support answers
// use. Apex is close enough to Java, and SOQL/SOSL to SQL, for keyword colouring.
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import sql from "highlight.js/lib/languages/sql";
import xml from "highlight.js/lib/languages/xml";
import "./highlight.css";

hljs.registerLanguage("java", java);
hljs.registerAliases(["apex", "cls", "trigger"], { languageName: "java" });
hljs.registerLanguage("sql", sql);
hljs.registerAliases(["soql", "sosl"], { languageName: "sql" });
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);
hljs.registerLanguage("xml", xml);

/**
 * The code as highlight.js HTML (every character of the input escaped, only <span class="hljs-…"> added), or
 * null for a language we do not load: guessing the language costs more than it gives.
 */
export function highlight(code: string, language: string | undefined): string | null {
  if (!language || !hljs.getLanguage(language)) return null;
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
