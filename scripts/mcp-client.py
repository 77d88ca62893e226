#!/usr/bin/env python3
"""slurmbot's MCP server through the official MCP client (PyPI `mcp`), over stdio or Streamable HTTP.

  mcp-client.py ask   --stdio "slurmbot mcp --db data/demo.db"      two questions, answered as an agent sees them
  mcp-client.py check --http URL --token-file FILE                   every tool, resource and prompt, and hostile
                                                                     arguments; prints one JSON report (the tests)
  mcp-client.py submit --stdio "slurmbot mcp --db FILE"              plan_job and submit_job of a short job, and
                                                                     hostile submissions; prints one JSON report
"""

import argparse
import asyncio
import json
import os
import shlex
import sys
from contextlib import asynccontextmanager

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamablehttp_client
from mcp.shared.exceptions import McpError


@asynccontextmanager
async def session(args):
    if args.stdio:
        words = shlex.split(args.stdio)
        # The server gets this environment whole (its settings: SLURMBOT_ENV_FILE, SLURMBOT_MCP_ALLOW_SUBMIT…).
        params = StdioServerParameters(command=words[0], args=words[1:], env=dict(os.environ))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as s:
                yield s
    else:
        headers = {}
        if args.token_file:
            with open(args.token_file) as f:
                headers["Authorization"] = "Bearer " + f.read().strip()
        async with streamablehttp_client(args.http, headers=headers) as (read, write, _):
            async with ClientSession(read, write) as s:
                yield s


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def ask(args):
    async with session(args) as s:
        await s.initialize()
        questions = [
            ("Is there a free GPU, and if not, when could a 1-GPU, 4-hour job start?",
             "find_resources", {"gpus": 1, "time": "4:00:00"}),
            ("Which jobs did not complete in the last 24 hours, and why?",
             "recent_job_ends", {"hours": 24, "outcome": "failed", "limit": 4}),
        ]
        for question, tool, arguments in questions:
            result = await s.call_tool(tool, arguments)
            answer = result.structuredContent or {}
            print(f"agent asks: {question}")
            print(f"  calls {tool}({json.dumps(arguments)})")
            print("  " + answer.get("summary", text_of(result)).replace("\n", "\n  "))
            if tool == "recent_job_ends":
                for job in answer.get("jobs", []):
                    verdict = " " + job["verdict"] if job.get("verdict") else ""
                    print(f"    {job['id']} {job['name']} ({job['user']}): {job.get('state') or 'end unknown'}.{verdict}")
            print(f"  (cluster {answer.get('cluster')}, data as of {answer.get('data_as_of')}, "
                  f"{answer.get('age_seconds')} s old)")


async def check(args):
    """Every tool with good arguments, then hostile ones; resources and the prompt. Prints a report."""
    report = {"calls": {}, "hostile": {}, "errors": []}
    async with session(args) as s:
        init = await s.initialize()
        report["server"] = init.serverInfo.name
        report["protocol"] = init.protocolVersion
        tools = (await s.list_tools()).tools
        report["tools"] = sorted(t.name for t in tools)
        report["read_only"] = all(t.annotations and t.annotations.readOnlyHint for t in tools)

        async def call(name, arguments):
            result = await s.call_tool(name, arguments)
            return {"error": bool(result.isError), "text": text_of(result),
                    "structured": result.structuredContent}

        nodes = await call("list_nodes", {"limit": 3})
        node = nodes["structured"]["nodes"][0]["name"]
        jobs = await call("list_jobs", {"limit": 200})
        listed = jobs["structured"]["jobs"]
        pending = next((j["id"] for j in listed if j["state"] == "PENDING"), listed[0]["id"])
        good = {
            "cluster_status": {},
            "list_partitions": {},
            "list_nodes": {"state": "idle", "min_free_cpus": 1},
            "get_node": {"name": node},
            "list_jobs": {"state": "running", "limit": 5},
            "get_job": {"job_id": listed[0]["id"]},
            "explain_pending": {"job_id": pending},
            "find_resources": {"cpus": 4, "mem": "8G", "time": "1:00:00"},
            "usage_history": {"metric": "cpus", "hours": 24},
            "recent_job_ends": {"hours": 168, "outcome": "failed"},
        }
        for name, arguments in good.items():
            report["calls"][name] = await call(name, arguments)

        hostile = {
            "shell": ("get_node", {"name": "n1; rm -rf /"}),
            "substitution": ("list_jobs", {"user": "$(id)"}),
            "backticks": ("explain_pending", {"job_id": "`reboot`"}),
            "huge": ("get_node", {"name": "n" * 100_000}),
            "wrong_type_int": ("get_node", {"name": 42}),
            "wrong_type_list": ("find_resources", {"cpus": [1, 2]}),
            "wrong_type_string": ("find_resources", {"cpus": "many"}),
            "out_of_range": ("usage_history", {"hours": 100000}),
            "unknown_argument": ("cluster_status", {"command": "scancel -u root"}),
            "missing_required": ("get_job", {}),
            "not_a_choice": ("list_nodes", {"state": "idle' OR 1=1 --"}),
            "newline": ("list_jobs", {"partition": "gpu\nsqueue"}),
            "unknown_node": ("get_node", {"name": node + "9"}),
        }
        for label, (name, arguments) in hostile.items():
            try:
                report["hostile"][label] = await call(name, arguments)
            except McpError as error:
                report["hostile"][label] = {"error": True, "protocol": True, "text": str(error)}
        try:
            await s.call_tool("status", {})
            report["unknown_tool"] = "answered"
        except McpError as error:
            report["unknown_tool"] = str(error)

        resources = (await s.list_resources()).resources
        report["resources"] = [str(r.uri) for r in resources]
        templates = (await s.list_resource_templates()).resourceTemplates
        report["templates"] = [t.uriTemplate for t in templates]
        status = await s.read_resource(resources[0].uri)
        report["status_resource"] = json.loads(status.contents[0].text)
        cluster = report["status_resource"]["cluster"]
        node_resource = await s.read_resource(f"slurm://{cluster}/nodes/{node}")
        report["node_resource"] = json.loads(node_resource.contents[0].text)
        prompts = (await s.list_prompts()).prompts
        report["prompts"] = [p.name for p in prompts]
        prompt = await s.get_prompt("where_to_run", {"cpus": "8", "mem": "16G", "time": "2:00:00"})
        report["prompt"] = prompt.messages[0].content.text
    print(json.dumps(report))


async def submit(args):
    """plan_job then submit_job of a two-minute job; then submissions that must be refused."""
    report = {"hostile": {}}
    async with session(args) as s:
        await s.initialize()
        report["tools"] = sorted(t.name for t in (await s.list_tools()).tools)

        async def call(name, arguments):
            result = await s.call_tool(name, arguments)
            return {"error": bool(result.isError), "text": text_of(result), "structured": result.structuredContent}

        job = {"script": "#!/bin/sh\necho started by an agent\nsleep 120\n", "time": "5:00", "cpus": 1,
               "mem": "100M", "job_name": "slurmbot-mcp-test"}
        report["plan"] = await call("plan_job", job)
        report["submit"] = await call("submit_job", job)
        hostile = {
            "sbatch_line": dict(job, script="#!/bin/sh\n#SBATCH --uid=0\nid\n"),
            "sbatch_line_spaced": dict(job, script="#!/bin/sh\n  #  SBATCH --exclusive\nid\n"),
            "no_interpreter": dict(job, script="rm -rf /\n"),
            "name_injection": dict(job, job_name="x; reboot"),
            "partition_injection": dict(job, partition="debug$(id)"),
            "array_injection": dict(job, array="1-3;id"),
            "time_words": dict(job, time="forever"),
            "huge_script": dict(job, script="#!/bin/sh\n" + "#" * 70_000),
            "other_cluster": dict(job, cluster="elsewhere"),
            "unknown_option": dict(job, uid=0),
        }
        for label, arguments in hostile.items():
            report["hostile"][label] = await call("submit_job", arguments)
    print(json.dumps(report))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["ask", "check", "submit"])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stdio", help="the command that starts the server, such as 'slurmbot mcp --db FILE'")
    where.add_argument("--http", help="the /mcp URL")
    parser.add_argument("--token-file", help="a file holding the bearer token (never on the command line)")
    args = parser.parse_args()
    try:
        asyncio.run({"ask": ask, "check": check, "submit": submit}[args.mode](args))
    except Exception as error:  # one line for a person; the report's absence tells the tests
        print(f"mcp-client: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
