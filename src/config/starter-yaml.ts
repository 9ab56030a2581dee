// The commented starter portai.yaml that `portai init` writes: the built-in default made explicit,
// with the knobs a user is most likely to turn shown next to it.
const STARTER = `# portai.yaml — written by \`portai init\`. Every field is optional; README.md describes them all.
# API keys never go in this file: each provider reads its key from an environment variable.

# Folder(s) of skill files, relative to this file. The shipped example skills are always searched last.
skills: ./skills

# Time zone for \`today\` and local times (default: the system's).
# timezone: Europe/London

# Skills that do not state their privacy get this. private: never sent to a model that may train on it.
defaults: { privacy: private }

# Pay-per-token spend cap per UTC day, over all providers. 0 = never pay per token.
budget: { usd_per_day: 0 }

providers:
  # OpenRouter's free models: 20 requests a minute, 50 a day (1000 a day once 10 credits were bought).
  # Key: OPENROUTER_API_KEY
  openrouter:
    preset: openrouter
    # limits: { requests_per_minute: 20, requests_per_day: 1000 }

  # Z.AI GLM Coding Plan: a subscription, never billed per token. Key: ZAI_API_KEY
  # Z.AI's terms restrict the plan to supported coding tools; read them before routing chores here.
  zai-coding:
    preset: zai-coding
    # The tier you bought: lite (2,000 credits per 5 hours, 10,000 a week), pro, max; a plan bought before
    # 2026-07-30 counts prompts: legacy-lite (~120 per 5 hours), legacy-pro, legacy-max.
    plan: lite

  # OpenCode Go: $10 a month, limits of $12 per 5 hours, $30 a week, $60 a month at list prices.
  # Key: OPENCODE_API_KEY. Keep "Use balance" off in the OpenCode console, or requests past the limits are billed.
  opencode-go:
    preset: opencode-go

  # A pay-per-token provider is used only when a route names it AND budget.usd_per_day allows it:
  # anthropic:
  #   preset: anthropic

# The first rule that matches a step wins; its \`use\` list is the order the candidates are tried in.
# A provider whose key is not set is skipped (\`portai doctor\` lists it as info), so with only
# OPENROUTER_API_KEY set every step goes to OpenRouter's free models. <provider>/* means that provider's models in listed order.
routes:
  - when: { effort: high }
    use: [zai-coding/glm-5.1, zai-coding/glm-4.7, opencode-go/kimi-k2.6, opencode-go/glm-5.1, openrouter/*]
  - use: [openrouter/*]

# Targets for calendar steps. Until one is named default, calendar steps write to calendar.ics in the
# state folder ($PORTAI_HOME, else ~/.local/state/portai), so calendar-update works at once.
# calendars:
#   default: { caldav: https://dav.example.com/alice/calendar/, username_env: CAL_USER, password_env: CAL_PASS }
#   local: { ics: ~/calendar.ics }

# \`portai serve\`: a local OpenAI + Anthropic endpoint for other agents. The client's model name chooses
# the traits routing sees.
serve:
  privacy: private
  models:
    free: { effort: low }
    think: { effort: high }
    "*haiku*": { effort: low, tag: background }   # Claude Code's background calls
    "*sonnet*": { effort: high }
    "*opus*": { effort: high }

# The longest a rate-limited request waits (Retry-After) before portai moves to the next candidate.
retry: { max_wait_seconds: 30 }
`;

export function defaultConfigYaml(): string {
  return STARTER;
}
