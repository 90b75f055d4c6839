# kiln_extra_demo is installed at boot from requirements.txt (a local wheel).
import kiln_extra_demo


def init():
    pass


def run(raw_data):
    return {"extra": kiln_extra_demo.greet()}
