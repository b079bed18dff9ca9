/** How an audit pages through a site's rows: by id (keyset), in big pages, so each page is one
 * set-based statement whose fixed cost is small against its work in PostgreSQL. */
export const AUDIT_PAGE_SIZE = 20_000;
/** Pages per workflow run before continuing as new, so the history stays short for any site. */
export const AUDIT_PAGES_PER_RUN = 100;
/** Keyset paging starts below every uuid. */
export const FIRST_PAGE_AFTER = '00000000-0000-0000-0000-000000000000';
