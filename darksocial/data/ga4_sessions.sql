-- GA4 BigQuery export (events_*) -> daily sessions by channel and landing depth.
-- Written in DuckDB SQL; darksocial.io.ga4_bigquery.bigquery_sql() transpiles it to
-- BigQuery with sqlglot. Placeholders: {{start}}, {{end}} (YYYYMMDD), {{shallow}} (regex).
-- Regexes avoid backslashes ([.] not \.) so the text is identical in both dialects.
WITH ev AS (
  SELECT
    event_date,
    TRY_CAST(event_timestamp AS BIGINT) AS ts,
    user_pseudo_id,
    (SELECT TRY_CAST(p.value.int_value AS BIGINT) FROM UNNEST(event_params) AS _t(p)
      WHERE p.key = 'ga_session_id' LIMIT 1) AS sid,
    (SELECT p.value.string_value FROM UNNEST(event_params) AS _t(p)
      WHERE p.key = 'page_location' LIMIT 1) AS page_location,
    (SELECT p.value.string_value FROM UNNEST(event_params) AS _t(p)
      WHERE p.key = 'page_referrer' LIMIT 1) AS page_referrer,
    COALESCE(collected_traffic_source.manual_source,
      (SELECT p.value.string_value FROM UNNEST(event_params) AS _t(p)
        WHERE p.key = 'source' LIMIT 1)) AS src,
    COALESCE(collected_traffic_source.manual_medium,
      (SELECT p.value.string_value FROM UNNEST(event_params) AS _t(p)
        WHERE p.key = 'medium' LIMIT 1)) AS med,
    COALESCE(collected_traffic_source.manual_campaign_name,
      (SELECT p.value.string_value FROM UNNEST(event_params) AS _t(p)
        WHERE p.key = 'campaign' LIMIT 1)) AS camp,
    collected_traffic_source.gclid AS gclid,
    COALESCE(
      session_traffic_source_last_click.cross_channel_campaign.primary_channel_group,
      session_traffic_source_last_click.cross_channel_campaign.default_channel_group
    ) AS ga_channel
  FROM events
  WHERE event_date BETWEEN '{start}' AND '{end}' AND user_pseudo_id IS NOT NULL
),
ranked AS (
  SELECT
    user_pseudo_id,
    sid,
    event_date,
    gclid,
    ROW_NUMBER() OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts) AS rn,
    -- raw last click: the first traffic information the session carried, not GA4's
    -- last-non-direct inheritance from earlier sessions
    FIRST_VALUE(src IGNORE NULLS) OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s_src,
    FIRST_VALUE(med IGNORE NULLS) OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s_med,
    FIRST_VALUE(camp IGNORE NULLS) OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s_camp,
    FIRST_VALUE(page_location IGNORE NULLS) OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS landing_url,
    FIRST_VALUE(page_referrer IGNORE NULLS) OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS landing_referrer,
    FIRST_VALUE(ga_channel IGNORE NULLS) OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s_ga_channel,
    FIRST_VALUE(gclid IGNORE NULLS) OVER (PARTITION BY user_pseudo_id, sid ORDER BY ts
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS s_gclid
  FROM ev
  WHERE sid IS NOT NULL
),
sessions AS (
  SELECT
    event_date AS session_date,
    s_src,
    s_med,
    s_camp,
    s_gclid,
    s_ga_channel,
    landing_url,
    COALESCE(REGEXP_EXTRACT(landing_url, '^[a-zA-Z]+://[^/?#]+(/[^?#]*)', 1), '/') AS landing_path,
    LOWER(REGEXP_EXTRACT(landing_url, '^[a-zA-Z]+://([^/?#:]+)', 1)) AS landing_host,
    LOWER(REGEXP_EXTRACT(landing_referrer, '^[a-zA-Z]+://([^/?#:]+)', 1)) AS referrer_host,
    LOWER(REGEXP_EXTRACT(landing_url,
      '[?&](fbclid|gclid|gbraid|wbraid|dclid|msclkid|ttclid|twclid|li_fat_id|srsltid)=', 1)) AS click_id
  FROM ranked
  WHERE rn = 1
),
sourced AS (
  SELECT
    session_date,
    landing_url,
    landing_path,
    s_camp AS camp,
    s_ga_channel,
    -- untagged clicks: click IDs and foreign referrers say where the visit came from
    COALESCE(s_src,
      CASE
        WHEN s_gclid IS NOT NULL OR click_id IN ('gclid', 'gbraid', 'wbraid', 'dclid') THEN 'google'
        WHEN click_id = 'msclkid' THEN 'bing'
        WHEN click_id = 'fbclid' THEN 'facebook.com'
        WHEN click_id = 'li_fat_id' THEN 'linkedin.com'
        WHEN click_id = 'ttclid' THEN 'tiktok.com'
        WHEN click_id = 'twclid' THEN 't.co'
        WHEN referrer_host IS NOT NULL AND referrer_host <> COALESCE(landing_host, '') THEN referrer_host
        ELSE '(direct)'
      END) AS src,
    COALESCE(s_med,
      CASE
        WHEN s_gclid IS NOT NULL
          OR click_id IN ('gclid', 'gbraid', 'wbraid', 'dclid', 'msclkid', 'li_fat_id', 'ttclid', 'twclid')
          THEN 'cpc'
        WHEN click_id IN ('fbclid', 'srsltid') THEN 'referral'
        WHEN referrer_host IS NOT NULL AND referrer_host <> COALESCE(landing_host, '') THEN 'referral'
        ELSE '(none)'
      END) AS med
  FROM sessions
),
channelled AS (
  SELECT
    session_date,
    landing_path,
    s_ga_channel AS ga_channel,
    CASE
      WHEN src = '(direct)' AND med IN ('(none)', '(not set)') THEN 'Direct'
      WHEN REGEXP_MATCHES(LOWER(COALESCE(camp, '')), 'cross-network') THEN 'Cross-network'
      WHEN REGEXP_MATCHES(LOWER(med), '^(.*cp.*|ppc|retargeting|paid.*)$')
        AND REGEXP_MATCHES(LOWER(src), '(facebook|instagram|linkedin|tiktok|twitter|t[.]co|reddit|pinterest|snapchat)')
        THEN 'Paid Social'
      WHEN REGEXP_MATCHES(LOWER(med), '^(.*cp.*|ppc|retargeting|paid.*)$')
        AND REGEXP_MATCHES(LOWER(src), '(google|bing|duckduckgo|yahoo|ecosia|baidu|yandex|qwant)')
        THEN 'Paid Search'
      WHEN REGEXP_MATCHES(LOWER(med), '^(.*cp.*|ppc|retargeting|paid.*)$') THEN 'Paid Other'
      WHEN LOWER(med) = 'organic'
        OR REGEXP_MATCHES(LOWER(src), '^(www[.])?(google|bing|duckduckgo|yahoo|ecosia|baidu|yandex|qwant)')
        THEN 'Organic Search'
      WHEN REGEXP_MATCHES(LOWER(src), '(facebook|instagram|linkedin|lnkd[.]in|t[.]co|twitter|x[.]com|reddit|slack|whatsapp|tiktok|pinterest)')
        OR REGEXP_MATCHES(LOWER(med), '^(social|social-network|social-media|sm|social network|social media)$')
        THEN 'Organic Social'
      WHEN REGEXP_MATCHES(LOWER(src || ' ' || med), '(email|e-mail|e_mail|e mail|newsletter)') THEN 'Email'
      WHEN LOWER(med) IN ('affiliate', 'affiliates') THEN 'Affiliates'
      WHEN LOWER(med) IN ('referral', 'app', 'link') THEN 'Referral'
      ELSE 'Unassigned'
    END AS raw_channel
  FROM sourced
)
SELECT
  session_date,
  raw_channel,
  ga_channel,
  CASE
    WHEN raw_channel <> 'Direct' THEN NULL
    WHEN REGEXP_MATCHES(landing_path, '{shallow}') THEN 'shallow'
    ELSE 'deep'
  END AS landing_depth,
  COUNT(*) AS sessions
FROM channelled
GROUP BY session_date, raw_channel, ga_channel, landing_depth
ORDER BY session_date, raw_channel, ga_channel, landing_depth
