# kiln_lib_demo lives in ./lib, added to sys.path by AZUREML_EXTRA_PYTHON_LIB_PATH=lib.
import kiln_lib_demo


def init():
    pass


def run(raw_data):
    return {"lib": kiln_lib_demo.NAME}
