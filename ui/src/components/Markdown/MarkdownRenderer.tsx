// The heavy half of Markdown rendering (react-markdown, GFM, sanitising), loaded lazily by Markdown.tsx.
import type { ReactNode } from "react";
import ReactMarkdown, { type Components, type ExtraProps } from "react-markdown";
import { useTranslation } from "react-i18next";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./CodeBlock";
import { isWebUrl, safeUrl } from "./safeUrl";
import "./markdown.css";

type HastNode = NonNullable<ExtraProps["node"]>;
type HastChild = HastNode["children"][number];

function textOf(node: HastChild | HastNode): string {
  if (node.type === "text") return node.value;
  if ("children" in node) return node.children.map(textOf).join("");
  return "";
}

function languageOf(node: HastNode | undefined): string | undefined {
  const code = node?.children.find((child) => child.type === "element" && child.tagName === "code");
  if (code?.type !== "element") return undefined;
  const classes = code.properties.className;
  const list = Array.isArray(classes) ? classes : [];
  const match = list.map(String).find((name) => name.startsWith("language-"));
  return match?.slice("language-".length);
}

function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  const { t } = useTranslation();
  if (!isWebUrl(href)) return <a href={href}>{children}</a>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children} <span className="sr-only">{t("chat.opensInNewTab")}</span>
    </a>
  );
}

const components: Components = {
  a: ({ href, children }) => {
    const url = safeUrl(href);
    return url ? <ExternalLink href={url}>{children}</ExternalLink> : <span>{children}</span>;
  },
  // Remote images could track readers and break the layout: show a link to them instead.
  img: ({ src, alt }) => {
    const url = typeof src === "string" ? safeUrl(src) : "";
    const label = alt ?? url;
    return url ? <ExternalLink href={url}>{label}</ExternalLink> : <span>{alt}</span>;
  },
  pre: ({ node }) => (
    <CodeBlock code={node ? textOf(node).replace(/\n$/, "") : ""} language={languageOf(node)} />
  ),
  // The page owns the heading outline; a reply's headings nest under the message.
  h1: ({ children }) => <h3 className="font-semibold">{children}</h3>,
  h2: ({ children }) => <h3 className="font-semibold">{children}</h3>,
  h3: ({ children }) => <h3 className="font-semibold">{children}</h3>,
  h4: ({ children }) => <h4 className="font-semibold">{children}</h4>,
  h5: ({ children }) => <h4 className="font-semibold">{children}</h4>,
  h6: ({ children }) => <h4 className="font-semibold">{children}</h4>,
};

const remarkPlugins = [remarkGfm];
const rehypePlugins = [rehypeSanitize];

/** Sanitised Markdown: no raw HTML, links only http(s)/mailto, code blocks highlighted. */
export default function MarkdownRenderer({ children }: { children: string }) {
  return (
    <div dir="auto" className="cs-markdown break-words">
      <ReactMarkdown
        remarkPlugins={remarkPlugins}
        rehypePlugins={rehypePlugins}
        components={components}
        urlTransform={safeUrl}
        skipHtml
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
